/**
 * @module The agent workspace: the tools' working directory and the bootstrap files injected into
 * every system prompt (agent.md §3.1), seeded with defaults on first start.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
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
