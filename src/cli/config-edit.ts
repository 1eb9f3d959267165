/**
 * @module `mayros config edit`: the config file opened in the user's editor on a private draft next to
 * it; the draft replaces the file (one rename) only when it is valid and the file did not change
 * meanwhile. Comments and layout are kept as typed.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { randomToken } from "../crypto/primitives.ts";
import { applyOverrides, hashConfigText, isConfigError, parseConfigText, resolveAuthMode, validateConfig, type MayrosPaths } from "../config/index.ts";
import { CliError, ExitCode } from "./errors.ts";

/** The outcome of {@link editConfigFile}. */
export interface EditResult {
  path: string;
  changed: boolean;
}

/** Text of a new config file (JSON5: comments are fine). */
const STARTER = `{
  // Mayros config (JSON5). Schema: \`mayros call config.schema\`; check it with \`mayros config validate\`.
}
`;

/**
 * Opens the config (or a starter when there is none) in `$VISUAL`, `$EDITOR` or `vi`, then saves the
 * edit if it is valid.
 * @throws {CliError} exit 2 for an invalid edit, 1 when the editor failed or the file changed meanwhile;
 * in both cases the draft is kept and named.
 */
export async function editConfigFile(paths: MayrosPaths, env: NodeJS.ProcessEnv): Promise<EditResult> {
  const path = paths.configPath;
  const before = readBytes(path);
  const original = before === undefined ? STARTER : before.toString("utf8");
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const draft = join(dirname(path), `.${basename(path, ".json")}.edit-${randomToken(6)}.json`);
  writeFileSync(draft, original, { mode: 0o600 });
  const editor = env.VISUAL?.trim() || env.EDITOR?.trim() || "vi";
  // Through sh, so EDITOR may carry arguments ("code --wait").
  const proc = Bun.spawn(["sh", "-c", `${editor} "$1"`, "mayros-config-edit", draft], { stdio: ["inherit", "inherit", "inherit"], env });
  const code = await proc.exited;
  if (code !== 0) throw new CliError(`the editor (${editor}) exited with ${code}: nothing saved; your draft is ${draft}`);
  const edited = readFileSync(draft, "utf8");
  if (edited === original) {
    rmSync(draft, { force: true });
    return { path, changed: false };
  }
  try {
    const fileConfig = validateConfig(parseConfigText(edited, path), path);
    resolveAuthMode(applyOverrides(fileConfig, env), path);
  } catch (err) {
    if (!isConfigError(err)) throw err;
    throw new CliError(`${err.message}: nothing saved; your edit is kept in ${draft} (fix it and move it over ${path}, or run config edit again)`, ExitCode.USAGE);
  }
  const now = readBytes(path);
  if ((now === undefined ? undefined : hashConfigText(now)) !== (before === undefined ? undefined : hashConfigText(before))) {
    throw new CliError(`${path} changed while you were editing: nothing saved; your edit is kept in ${draft}`);
  }
  chmodSync(draft, 0o600);
  renameSync(draft, path);
  return { path, changed: true };
}

function readBytes(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`cannot read ${path}: ${(err as Error).message}`);
  }
}
