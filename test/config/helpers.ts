/** @module Temp state directories for config tests (never the real home directory). */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const created: string[] = [];

/** Removes every temp state dir made so far; call it from `afterAll`. */
export function removeTempStates(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A fresh temp state dir (removed by {@link removeTempStates}), an env that points at it, and a writer for its `mayros.json`. */
export function tempState(): { dir: string; configPath: string; env: NodeJS.ProcessEnv; write: (text: string) => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mayros-config-"));
  created.push(dir);
  const configPath = path.join(dir, "mayros.json");
  return {
    dir,
    configPath,
    env: { MAYROS_STATE_DIR: dir },
    write: (text) => fs.writeFileSync(configPath, text),
  };
}
