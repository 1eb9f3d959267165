/** @module The config service behind `config.get`, `config.schema`, `config.patch` and `config.apply`. */
import { readFileSync } from "node:fs";
import type { Static } from "@sinclair/typebox";
import { GatewayError } from "../protocol/errors.ts";
import { VERSION } from "../version.ts";
import type { ConfigGetResult, ConfigSchemaResult, ConfigWriteResult } from "../protocol/methods/config.ts";
import { ConfigError, isConfigError } from "./errors.ts";
import {
  applyOverrides,
  hashConfigText,
  parseConfigText,
  readConfigFile,
  resolveAuthMode,
  validateConfig,
  type ConfigFile,
  type ConfigFlags,
  type LoadedConfig,
} from "./load.ts";
import { applyMergePatch } from "./merge-patch.ts";
import type { MayrosPaths } from "./paths.ts";
import { redactSecrets, restoreRedacted } from "./redact.ts";
import { CONFIG_UI_HINTS, MayrosConfig } from "./schema.ts";
import { writeConfigAtomic } from "./write.ts";

/** How `config.write` treats `raw`: a merge patch on the file, or the whole new file. */
export type ConfigWriteKind = "patch" | "apply";

/** Reads and writes the config file for the control plane. */
export interface ConfigService {
  /** Absolute path of the config file. */
  readonly path: string;
  /** `config.get`: the file as written (not defaults, not env/flag overrides), secrets redacted, and its hash. */
  get(): ConfigGetResult;
  /** `config.schema`: the JSON Schema of the file and the UI hints. */
  schema(): Static<typeof ConfigSchemaResult>;
  /**
   * `config.patch` / `config.apply`: checks `baseHash`, parses `raw` (JSON5), merges or replaces,
   * restores redacted secrets, validates (including the auth mode with env/flag overrides), and
   * writes atomically.
   */
  write(kind: ConfigWriteKind, raw: string, baseHash?: string): ConfigWriteResult;
}

/** Options of {@link createConfigService}; a {@link LoadedConfig} fits as is. */
export interface ConfigServiceOptions {
  /** Where the config lives. */
  paths: MayrosPaths;
  /** Gateway version reported by `config.schema` (default the package version). */
  version?: string;
  /** Environment whose overrides the running gateway uses (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Command-line overrides of the running gateway (default none). */
  flags?: ConfigFlags;
  /** Called after every successful write with the newly effective config (for hot reload). */
  onWrite?: (loaded: LoadedConfig, restartRequired: boolean) => void;
}

/**
 * Creates the config service. It reads the file on every call, so edits made by hand are seen.
 * @throws {GatewayError} `INVALID_REQUEST` from `write` for a stale or missing `baseHash`, bad JSON5 or
 * an invalid config; `UNAVAILABLE` from `get` when the file on disk is broken (with `details.hash`, so
 * `config.apply` can still replace it)
 * @example const config = createConfigService(loadConfig({ flags }))
 */
export function createConfigService(options: ConfigServiceOptions): ConfigService {
  const { paths, version = VERSION, env = process.env, flags = {}, onWrite } = options;
  const path = paths.configPath;
  const generatedAt = new Date().toISOString();

  function get(): ConfigGetResult {
    let file: ConfigFile;
    try {
      file = readConfigFile(path);
    } catch (error) {
      // Report the hash of the broken file so a client can still fix it with config.apply.
      throw asGatewayError(error, "UNAVAILABLE", () => hashConfigText(readFileSync(path)));
    }
    return { path, exists: file.exists, hash: file.hash, config: redactSecrets(file.data) };
  }

  function schema(): Static<typeof ConfigSchemaResult> {
    return { schema: JSON.parse(JSON.stringify(MayrosConfig)), uiHints: { ...CONFIG_UI_HINTS }, version, generatedAt };
  }

  function write(kind: ConfigWriteKind, raw: string, baseHash?: string): ConfigWriteResult {
    const current = readCurrent(path);
    if (current.exists && baseHash !== current.hash) {
      const problem =
        baseHash === undefined
          ? "baseHash is required when the config file exists; run config.get and send its hash"
          : "baseHash does not match: the config changed since it was read; run config.get and retry";
      throw new GatewayError("INVALID_REQUEST", problem, {
        details: { reason: "config_hash_mismatch", hash: current.hash },
      });
    }
    if (kind === "patch" && current.broken) throw asGatewayError(current.broken, "INVALID_REQUEST");
    try {
      const input = parseConfigText(raw, "raw");
      const next = restoreRedacted(kind === "patch" ? applyMergePatch(current.data, input) : input, current.data);
      const fileConfig = validateConfig(next, path);
      const config = applyOverrides(fileConfig, env, flags);
      const authMode = resolveAuthMode(config, path);
      const written = writeConfigAtomic(path, next);
      const restartRequired = current.gateway === undefined || !sameJson(current.gateway, fileConfig.gateway);
      const file: ConfigFile = { exists: true, raw: written.raw, data: next, hash: written.hash };
      onWrite?.({ config, fileConfig, paths, file, authMode, env, flags }, restartRequired);
      return { ok: true, path, hash: written.hash, config: redactSecrets(next), restartRequired };
    } catch (error) {
      throw asGatewayError(error, "INVALID_REQUEST");
    }
  }

  return { path, get, schema, write };
}

interface CurrentFile {
  exists: boolean;
  hash: string;
  data: unknown;
  /** The validated `gateway` section of the current file, when it is valid. */
  gateway: unknown;
  /** Why the current file cannot be used, when it is broken. */
  broken?: ConfigError;
}

function readCurrent(path: string): CurrentFile {
  try {
    const file = readConfigFile(path);
    let gateway: unknown;
    try {
      gateway = validateConfig(file.data, path).gateway;
    } catch {
      gateway = undefined;
    }
    return { exists: file.exists, hash: file.hash, data: file.data, gateway };
  } catch (error) {
    if (!isConfigError(error)) throw error;
    return { exists: true, hash: hashConfigText(readFileSync(path)), data: {}, gateway: undefined, broken: error };
  }
}

function asGatewayError(error: unknown, code: "INVALID_REQUEST" | "UNAVAILABLE", hash?: () => string): unknown {
  if (!isConfigError(error)) return error;
  const details: Record<string, unknown> = { reason: "config_invalid" };
  if (hash) details.hash = hash();
  if (error.path !== undefined) details.path = error.path;
  if (error.line !== undefined) details.line = error.line;
  if (error.column !== undefined) details.column = error.column;
  return new GatewayError(code, error.message, { details });
}

/** Deep equality of JSON values, ignoring key order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
