/**
 * @module `bun run build`: compiles the single self-contained executable for the host and for
 * linux-x64, linux-arm64 (Raspberry Pi), darwin-arm64 and darwin-x64 into `dist/`, with every web
 * asset embedded (the control UI and WebChat bundled first, then embedded as `control-ui/`), the
 * version and commit baked in, and `dist/SHA256SUMS`.
 *
 * Usage: bun build/compile.ts [--host-only] [--out DIR]
 * Cross-compiling downloads each target's Bun runtime once (from the npm registry) into Bun's cache.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { recordBytecodeOrder } from "./bytecode-order.ts";
import { buildUiBundle, writeUiBundle } from "../src/gateway/control-ui/bundle.ts";
import { EMBEDDED_UI_DIR, UI_SOURCE_DIR } from "../src/gateway/control-ui/source.ts";

const ROOT = resolve(import.meta.dir, "..");

/** The release targets: output name suffix and Bun's target triple. */
export const TARGETS = [
  { name: "linux-x64", target: "bun-linux-x64" },
  { name: "linux-arm64", target: "bun-linux-arm64" },
  { name: "darwin-arm64", target: "bun-darwin-arm64" },
  { name: "darwin-x64", target: "bun-darwin-x64" },
] as const;

/** The commit being built, or "unknown" outside a git checkout. */
export function gitCommit(): string {
  const result = Bun.spawnSync(["git", "rev-parse", "--short=12", "HEAD"], { cwd: ROOT, stdout: "pipe", stderr: "ignore" });
  return result.exitCode === 0 ? result.stdout.toString().trim() : "unknown";
}

/**
 * Bundles the control UI and WebChat into `<stage>/control-ui`, the folder {@link compile} embeds
 * (the binary finds it at `/$bunfs/root/control-ui`).
 * @returns the folder.
 */
export async function stageControlUi(stage: string): Promise<string> {
  const dir = join(stage, EMBEDDED_UI_DIR);
  writeUiBundle(await buildUiBundle(UI_SOURCE_DIR), dir);
  return dir;
}

/**
 * The JIT tier-up scale the binaries start with: start-up code runs once, so compiling it is wasted work and
 * memory (idle RSS ≈ 5 MiB lower, hello-ok sooner); `mayros gateway` restores the normal policy
 * (`Bun.unsafe.setJITPolicy(1)`) as soon as it serves.
 */
export const START_JIT_POLICY = 100;

/** What {@link compile} builds. */
export interface CompileOptions {
  /** The commit baked in as `__MAYROS_COMMIT__`. */
  commit: string;
  /** The staged control UI bundle ({@link stageControlUi}) to embed; omitted for programs that serve no UI. */
  uiDir?: string;
  /** A Bun target triple; the host when omitted. */
  target?: string;
  /** The program's entry point. @default src/main.ts */
  entry?: string;
  /** A bytecode order file ({@link recordBytecodeOrder}) to lay the bytecode out by. */
  bytecodeOrder?: string;
}

/**
 * Compiles one executable (bun.md §7 flags: minified, bytecode, ESM, no .env/bunfig autoload, assets embedded), with
 * code splitting: every lazily imported module (channel SDKs, extensions, the CLI program) goes into its own chunk in
 * the binary, so `mayros gateway` loads only what it runs — a single-chunk binary evaluated ≈ 20 ms more before
 * its first line and held ≈ 6 MiB more, for code it never ran.
 */
export async function compile(outfile: string, { commit, uiDir, target, entry = join(ROOT, "src", "main.ts"), bytecodeOrder }: CompileOptions): Promise<void> {
  const args = [
    process.execPath, "build", "--compile", "--splitting", "--minify", "--bytecode", "--format=esm", `--compile-jit-policy=${START_JIT_POLICY}`,
    "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig", "--asset=assets", ...(uiDir ? [`--asset=${uiDir}`] : []),
    `--define=__MAYROS_COMMIT__=${JSON.stringify(commit)}`,
    ...(target ? [`--target=${target}`] : []),
    ...(bytecodeOrder ? [`--bytecode-order=${bytecodeOrder}`] : []),
    entry, "--outfile", outfile,
  ];
  const proc = Bun.spawn(args, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if ((await proc.exited) !== 0) {
    throw new Error(`bun build ${target ?? "(host)"} failed:\n${await new Response(proc.stderr).text()}`);
  }
}

/**
 * Compiles the host binary as releases are: a first pass, run once to record the bytecode order
 * ({@link recordBytecodeOrder}), then the final binary laid out by it.
 * @param workDir where the order file is written
 * @returns the order file, for compiling the other targets alike
 */
export async function compileHost(outfile: string, { commit, uiDir }: Pick<CompileOptions, "commit" | "uiDir">, workDir: string): Promise<string> {
  await compile(outfile, { commit, uiDir });
  const bytecodeOrder = await recordBytecodeOrder(outfile, workDir);
  await compile(outfile, { commit, uiDir, bytecodeOrder });
  return bytecodeOrder;
}

/** `sha256  name` lines, like `sha256sum`. */
export function sha256sums(files: string[]): string {
  return files.map((f) => `${createHash("sha256").update(readFileSync(f)).digest("hex")}  ${basename(f)}`).join("\n") + "\n";
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf("--out");
  const out = resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1]! : join(ROOT, "dist"));
  const hostOnly = args.includes("--host-only");
  mkdirSync(out, { recursive: true });
  const commit = gitCommit();
  const built: string[] = [];
  const stage = mkdtempSync(join(tmpdir(), "mayros-build-ui-"));
  try {
    const uiDir = await stageControlUi(stage);
    const host = join(out, "mayros");
    process.stdout.write(`building ${host} (commit ${commit}; twice: a first pass is run once to record the bytecode order)\n`);
    const bytecodeOrder = await compileHost(host, { commit, uiDir }, stage);
    built.push(host);
    if (!hostOnly) {
      for (const { name, target } of TARGETS) {
        const file = join(out, `mayros-${name}`);
        process.stdout.write(`building ${file}\n`);
        await compile(file, { commit, uiDir, target, bytecodeOrder });
        built.push(file);
      }
    }
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  writeFileSync(join(out, "SHA256SUMS"), sha256sums(built));
  process.stdout.write(`wrote ${join(out, "SHA256SUMS")} (${built.length} binaries)\n`);
}

if (import.meta.main) {
  main().catch((err: Error) => {
    process.stderr.write(`error: ${err.message}\n`);
    process.exit(1);
  });
}
