/**
 * A real headless node host for the e2e tests: `mayros node run` as a subprocess with its own state
 * dir and exec allowlist (filled with `mayros node allow`), awaited on its "connected" output line.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, watch } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { runCli, spawnCli, type CliProcess } from "../cli/spawn.ts";

/** A running `mayros node run`. */
export interface NodeHostProcess {
  proc: CliProcess;
  /** The node id it printed (its device id). */
  nodeId: string;
  stateDir: string;
  /** Kills the process if still running, waits for it and deletes its state dir. */
  dispose(): Promise<void>;
}

/** Options of {@link startNodeHost}. */
export interface NodeHostStartOptions {
  token: string;
  /** Executables for `mayros node allow` (names on PATH). */
  allow?: string[];
  displayName?: string;
  /** Extra `mayros node run` flags (e.g. `--tls-fingerprint`). */
  extraArgs?: string[];
}

/** Starts `mayros node run --url <url> --token <token>` and waits until it has connected. */
export async function startNodeHost(url: string, { token, allow = [], displayName, extraArgs = [] }: NodeHostStartOptions): Promise<NodeHostProcess> {
  const stateDir = mkdtempSync(join(tmpdir(), "mayros-e2e-node-"));
  for (const binary of allow) {
    const r = await runCli(["node", "allow", binary], { stateDir });
    if (r.code !== 0) throw new Error(`mayros node allow ${binary} failed (${r.code}): ${r.stderr}`);
  }
  const args = ["node", "run", "--url", url, "--token", token, ...(displayName ? ["--display-name", displayName] : []), ...extraArgs];
  const proc = spawnCli(args, { stateDir });
  const dispose = async () => {
    await proc.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  };
  try {
    const m = await proc.waitFor(/node host connected to \S+ as ([0-9a-f]{64})\n/);
    return { proc, nodeId: m[1]!, stateDir, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}

/**
 * Resolves once `path` exists (watching its directory, so no polling), with its content.
 * The writer should create it atomically (write elsewhere, then rename).
 */
export function waitForFile(path: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const watcher = watch(dirname(path), (_event, name) => {
      if (name === basename(path)) check();
    });
    const timer = setTimeout(() => finish(() => reject(new Error(`${path} did not appear within ${timeoutMs} ms`))), timeoutMs);
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      watcher.close();
      settle();
    };
    const check = () => {
      if (existsSync(path)) finish(() => resolve(readFileSync(path, "utf8")));
    };
    check();
  });
}
