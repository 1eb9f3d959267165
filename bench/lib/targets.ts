/** The servers the bench measures: the Mayros gateway and the raw `Bun.serve` echo baseline, described uniformly. */
import { join } from "node:path";
import { BUN_BIN, REPO_ROOT, tempDir } from "./proc.ts";

/** Frame sizes the raw echo imitates (taken from the gateway's real frames when known). */
export interface FrameSizes {
  helloBytes: number;
  resBytes: number;
  eventBytes: number;
}

/** Defaults close to the gateway's frames, used when the gateway was not measured first. */
export const DEFAULT_SIZES: FrameSizes = { helloBytes: 2000, resBytes: 300, eventBytes: 700 };

/** One measurable server. */
export interface Target {
  /** Column name in the table. */
  name: string;
  /** Shared token clients authenticate with. */
  token: string;
  /** Command line of a server listening on `port`, using state dir `stateDir`. */
  argv(port: number): string[];
  /** Environment of a server with state directory `stateDir`. */
  env(stateDir: string): Record<string, string>;
  /** The request that makes the server broadcast one event to every client, and the event's frame prefix. */
  broadcast: { method: string; params?: unknown; prefix: string };
  /** A second way to broadcast, measured as well (the raw echo's per-socket `ws.send` loop). */
  altBroadcast?: { method: string; params?: unknown; prefix: string };
  /** Whether the server answers `status` with `connections` counts (used for the leak check). */
  hasStatus: boolean;
}

/** Token of every bench server. */
export const BENCH_TOKEN = "bench-token-0123456789abcdef";

const EVENT_PREFIX = '{"type":"event","event":"presence"';

/** The Mayros gateway, run from source like `bun src/main.ts gateway`. */
export const mayrosTarget: Target = {
  name: "mayros",
  token: BENCH_TOKEN,
  argv: (port) => [BUN_BIN, join(REPO_ROOT, "src", "main.ts"), "gateway", "--port", String(port), "--token", BENCH_TOKEN],
  env: (stateDir) => ({ MAYROS_STATE_DIR: stateDir }),
  broadcast: { method: "system-event", params: { text: "x", instanceId: "bench" }, prefix: EVENT_PREFIX },
  hasStatus: true,
};

/**
 * The raw echo baseline (bench/raw-echo.ts) imitating the given frame sizes.
 * @param command how to run it: from source by default, or a compiled binary of it
 */
export function rawTarget(sizes: FrameSizes, command = [BUN_BIN, join(REPO_ROOT, "bench", "raw-echo.ts")], name = "raw echo"): Target {
  return {
    name,
    token: BENCH_TOKEN,
    argv: (port) => [
      ...command, "--port", String(port),
      "--hello-bytes", String(sizes.helloBytes), "--res-bytes", String(sizes.resBytes), "--event-bytes", String(sizes.eventBytes),
    ],
    env: () => ({}),
    broadcast: { method: "broadcast", prefix: EVENT_PREFIX },
    altBroadcast: { method: "broadcast-each", prefix: EVENT_PREFIX },
    hasStatus: false,
  };
}

/** A fresh, empty state directory (removed at exit). */
export function freshStateDir(): string {
  return tempDir("mayros-bench-state-");
}
