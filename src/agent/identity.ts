/** @module The agent's name and emoji, read from the workspace's IDENTITY.md (`Name: …`, `Emoji: …` lines). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Reads IDENTITY.md of `workspace`; missing fields are left out. */
export function readIdentity(workspace: string): { name?: string; emoji?: string } {
  const path = join(workspace, "IDENTITY.md");
  if (!existsSync(path)) return {};
  const text = readFileSync(path, "utf8");
  const field = (label: string) => text.match(new RegExp(`^\\s*${label}\\s*:\\s*(.+)$`, "im"))?.[1]?.trim();
  const name = field("Name");
  const emoji = field("Emoji");
  return { ...(name && { name }), ...(emoji && { emoji }) };
}
