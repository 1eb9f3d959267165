/**
 * @module The agent workspace: the tools' working directory and the bootstrap files injected into
 * every system prompt (agent.md §3.1), seeded with defaults on first start.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Bootstrap files injected every run, in prompt order. */
export const BOOTSTRAP_FILES = ["AGENTS.md", "MAYROS.md", "USER.md", "IDENTITY.md", "TOOLS.md", "HEARTBEAT.md", "MEMORY.md"] as const;

/** Per-file and total character caps of injected bootstrap text. */
export const BOOTSTRAP_MAX_CHARS = 20_000;
export const BOOTSTRAP_TOTAL_MAX_CHARS = 150_000;

const DEFAULTS: Record<string, string> = {
  "AGENTS.md": "# Operating rules\n\n- Be helpful, concise and honest.\n- Ask before doing anything destructive or irreversible.\n- Keep notes worth remembering in MEMORY.md.\n",
  "MAYROS.md": "# Persona\n\nYou are Mayros, a calm and capable personal assistant. Warm, direct, no filler.\n",
  "USER.md": "# About the user\n\n(Nothing recorded yet. Learn preferences over time and note them here.)\n",
  "IDENTITY.md": "# Identity\n\nName: Mayros\nEmoji: 🦉\n",
  "TOOLS.md": "# Local tools\n\nNotes about tools available on this machine go here.\n",
  "HEARTBEAT.md": "# Heartbeat checklist\n\n",
};

/** Creates the workspace and any missing default bootstrap files; never overwrites the user's. */
export function ensureWorkspace(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [name, text] of Object.entries(DEFAULTS)) {
    const path = join(dir, name);
    if (!existsSync(path)) writeFileSync(path, text, { mode: 0o600 });
  }
}

/**
 * The bootstrap files of `dir` in prompt order as `{name, text}`: each capped at
 * {@link BOOTSTRAP_MAX_CHARS}, all together at {@link BOOTSTRAP_TOTAL_MAX_CHARS} (the file that
 * crosses it is cut, later ones left out). A missing file gets a "missing" marker (agent.md §3.1);
 * `MEMORY.md` may also be spelled `memory.md`; `BOOTSTRAP.md` is injected only while present.
 */
export function readBootstrap(dir: string): Array<{ name: string; text: string }> {
  const out: Array<{ name: string; text: string }> = [];
  let total = 0;
  for (const name of [...BOOTSTRAP_FILES, "BOOTSTRAP.md"]) {
    const found = [name, ...(name === "MEMORY.md" ? ["memory.md"] : [])].map((n) => join(dir, n)).find((p) => existsSync(p));
    if (!found && name === "BOOTSTRAP.md") continue;
    let text = found ? readFileSync(found, "utf8") : `[missing: ${name} is not in the workspace]`;
    if (text.length > BOOTSTRAP_MAX_CHARS) text = `${text.slice(0, BOOTSTRAP_MAX_CHARS)}\n[… truncated at ${BOOTSTRAP_MAX_CHARS} characters]`;
    const room = BOOTSTRAP_TOTAL_MAX_CHARS - total;
    if (text.length > room) {
      if (room > 0) out.push({ name, text: `${text.slice(0, room)}\n[… truncated: bootstrap files exceed ${BOOTSTRAP_TOTAL_MAX_CHARS} characters]` });
      break;
    }
    total += text.length;
    out.push({ name, text });
  }
  return out;
}

/**
 * Files `agents.files.*` may read and write (agent.md §3.1): the bootstrap files, `BOOTSTRAP.md`
 * and the lower-case `memory.md` spelling. Names only, never paths.
 */
export const WORKSPACE_FILES: readonly string[] = [...BOOTSTRAP_FILES, "BOOTSTRAP.md", "memory.md"];

/** One row of {@link listWorkspaceFiles}. */
export interface WorkspaceFileInfo {
  name: string;
  /** Bytes; absent when missing. */
  size?: number;
  /** Last modification (ms); absent when missing. */
  updatedAtMs?: number;
  /** True when the file does not exist (yet). */
  missing?: true;
}

/** Whether `name` is one of {@link WORKSPACE_FILES} (exact spelling). */
export function isWorkspaceFile(name: string): boolean {
  return WORKSPACE_FILES.includes(name);
}

/**
 * The bootstrap files of `dir` in prompt order, then `BOOTSTRAP.md`, with size and mtime; a missing
 * one is flagged `missing`. `MEMORY.md` is listed as `memory.md` when only that spelling exists.
 */
export function listWorkspaceFiles(dir: string): WorkspaceFileInfo[] {
  return [...BOOTSTRAP_FILES, "BOOTSTRAP.md"].map((listed): WorkspaceFileInfo => {
    const name = listed === "MEMORY.md" && !existsSync(join(dir, listed)) && existsSync(join(dir, "memory.md")) ? "memory.md" : listed;
    const st = statSync(join(dir, name), { throwIfNoEntry: false });
    return st?.isFile() ? { name, size: st.size, updatedAtMs: Math.floor(st.mtimeMs) } : { name, missing: true };
  });
}

/**
 * The text of workspace file `name`, or undefined when it does not exist.
 * @throws {TypeError} when `name` is not one of {@link WORKSPACE_FILES}.
 */
export function readWorkspaceFile(dir: string, name: string): string | undefined {
  assertWorkspaceFile(name);
  const path = join(dir, name);
  return statSync(path, { throwIfNoEntry: false })?.isFile() ? readFileSync(path, "utf8") : undefined;
}

/**
 * Replaces workspace file `name` atomically (a temporary file in `dir`, then a rename; mode 0600),
 * so a reader — the next run's prompt — sees the old or the new text, never a part.
 * @returns the size written, in bytes.
 * @throws {TypeError} when `name` is not one of {@link WORKSPACE_FILES}.
 */
export function writeWorkspaceFile(dir: string, name: string, content: string): number {
  assertWorkspaceFile(name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = join(dir, `.${name}.${process.pid}.${crypto.randomUUID()}.tmp`);
  try {
    writeFileSync(tmp, content, { mode: 0o600 });
    renameSync(tmp, join(dir, name));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return Buffer.byteLength(content);
}

function assertWorkspaceFile(name: string): void {
  if (!isWorkspaceFile(name)) throw new TypeError(`unknown workspace file ${JSON.stringify(name)}; allowed: ${WORKSPACE_FILES.join(", ")}`);
}
