/** @module Where the state directory and the config file live (`MAYROS_STATE_DIR`, `MAYROS_CONFIG_PATH`). */
import os from "node:os";
import path from "node:path";

/** The resolved, absolute locations of the state directory and the config file. */
export interface MayrosPaths {
  /** `MAYROS_STATE_DIR`, default `~/.mayros`. */
  stateDir: string;
  /** `MAYROS_CONFIG_PATH`, default `$stateDir/mayros.json`. */
  configPath: string;
}

/** File name of the config inside the state directory. */
export const CONFIG_FILE_NAME = "mayros.json";

/**
 * Resolves the state directory and config path from the environment. Empty variables count as
 * unset; a leading `~/` is expanded; relative paths are made absolute against the current directory.
 * @param env the environment to read (default `process.env`)
 * @example resolvePaths({ MAYROS_STATE_DIR: "/srv/mayros" }) // { stateDir: "/srv/mayros", configPath: "/srv/mayros/mayros.json" }
 */
export function resolvePaths(env: NodeJS.ProcessEnv = process.env): MayrosPaths {
  const stateDir = absolute(nonEmpty(env.MAYROS_STATE_DIR) ?? path.join(os.homedir(), ".mayros"));
  const configPath = absolute(nonEmpty(env.MAYROS_CONFIG_PATH) ?? path.join(stateDir, CONFIG_FILE_NAME));
  return { stateDir, configPath };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function absolute(p: string): string {
  if (p === "~") return os.homedir();
  if (p.startsWith("~/")) return path.join(os.homedir(), p.slice(2));
  return path.resolve(p);
}
