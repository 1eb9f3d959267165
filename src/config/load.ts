/** @module Loading the config: read the JSON5 file, fill defaults, validate, then apply env and flag overrides. */
import { sha256Hex } from "../crypto/primitives.ts";
import { readFileSync } from "node:fs";
import JSON5 from "json5";
import { Value } from "@sinclair/typebox/value";
import { describeValueError } from "../protocol/validate.ts";
import { ConfigError } from "./errors.ts";
import { resolvePaths, type MayrosPaths } from "./paths.ts";
import { MayrosConfig, type AuthMode } from "./schema.ts";
import { whatsappAccountsProblem } from "./schema-channels.ts";

/** The config file as read from disk. */
export interface ConfigFile {
  /** False when the file does not exist (then `raw` is `""` and `data` is `{}`). */
  exists: boolean;
  /** The file text. */
  raw: string;
  /** The parsed JSON5, before defaults (what the user wrote). */
  data: unknown;
  /** sha256 hex of the raw bytes (of `""` when missing); clients send it back as `baseHash`. */
  hash: string;
}

/** Command-line overrides (`mayros gateway --port --bind --token --password`). */
export interface ConfigFlags {
  port?: number;
  bind?: string;
  token?: string;
  password?: string;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Environment to read (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Command-line overrides (default none). */
  flags?: ConfigFlags;
}

/** The result of {@link loadConfig}. */
export interface LoadedConfig {
  /** The effective config: defaults < file < env < flags. */
  config: MayrosConfig;
  /** The validated config of the file alone (defaults filled, no env or flag overrides). */
  fileConfig: MayrosConfig;
  /** Where the state and the config live. */
  paths: MayrosPaths;
  /** The file as read; write this back, never `config`, so overrides are not persisted. */
  file: ConfigFile;
  /** The resolved auth mode. */
  authMode: AuthMode;
  /** The environment the overrides were read from. */
  env: NodeJS.ProcessEnv;
  /** The flags that were applied. */
  flags: ConfigFlags;
}

/** sha256 hex of a string's UTF-8 bytes or of raw bytes. */
export function hashConfigText(raw: string | Uint8Array): string {
  return sha256Hex(raw);
}

/**
 * Reads and parses the config file. A missing file is not an error.
 * @throws {ConfigError} when the file cannot be read or is not valid JSON5 with an object at the top
 */
export function readConfigFile(path: string): ConfigFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return { exists: false, raw: "", data: {}, hash: hashConfigText("") };
    }
    throw new ConfigError(path, `cannot read: ${(error as Error).message}`, { cause: error });
  }
  const raw = bytes.toString("utf8");
  return { exists: true, raw, data: parseConfigText(raw, path), hash: hashConfigText(bytes) };
}

/**
 * Parses config text as JSON5 (comments, trailing commas, unquoted keys). Blank text is `{}`.
 * @param path used in error messages only
 * @throws {ConfigError} naming line and column on a syntax error, or `(root)` when the top level is not an object
 */
export function parseConfigText(raw: string, path: string): unknown {
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.trim() === "") return {};
  let data: unknown;
  try {
    data = JSON5.parse(text);
  } catch (error) {
    const e = error as SyntaxError & { lineNumber?: number; columnNumber?: number };
    const problem = e.message.replace(/^JSON5: /, "").replace(/ at \d+:\d+$/, "");
    throw new ConfigError(path, problem, { line: e.lineNumber, column: e.columnNumber, cause: error });
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ConfigError(path, "must be an object", { path: "(root)" });
  }
  return data;
}

/**
 * Validates parsed config data: clones it, fills defaults, and checks it against {@link MayrosConfig}.
 * @param path used in error messages only
 * @throws {ConfigError} naming the dotted path of the first problem, e.g. `…/mayros.json: gateway.port: must be <= 65535`
 */
export function validateConfig(data: unknown, path: string): MayrosConfig {
  const value = Value.Default(MayrosConfig, structuredClone(data));
  // Interpreted, not compiled: the config is checked once, and compiling costs start-up time and memory.
  if (Value.Check(MayrosConfig, value)) {
    const rule = whatsappAccountsProblem((value as MayrosConfig).channels);
    if (rule) throw new ConfigError(path, rule.problem, { path: rule.path });
    return value as MayrosConfig;
  }
  const first = Value.Errors(MayrosConfig, value).First();
  if (!first) throw new ConfigError(path, "is invalid", { path: "(root)" });
  const pointer = first.path === "" ? "/" : first.path;
  const problem = describeValueError(first).slice(`at ${pointer}: `.length);
  throw new ConfigError(path, problem, { path: pointerToDotted(first.path) });
}

/**
 * Turns a JSON pointer into a dotted path: `/gateway/port` → `gateway.port`,
 * `/gateway/trustedProxies/0` → `gateway.trustedProxies[0]`, `` or `/` → `(root)`.
 */
export function pointerToDotted(pointer: string): string {
  if (pointer === "" || pointer === "/") return "(root)";
  let dotted = "";
  for (const raw of pointer.replace(/^\//, "").split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    dotted += /^\d+$/.test(key) ? `[${key}]` : dotted === "" ? key : `.${key}`;
  }
  return dotted;
}

/**
 * Loads the effective config. Precedence: flags > env (`MAYROS_GATEWAY_PORT`, `MAYROS_GATEWAY_TOKEN`,
 * `MAYROS_GATEWAY_PASSWORD`) > file (`MAYROS_CONFIG_PATH`) > defaults. Empty env vars count as unset.
 * The auth mode is `gateway.auth.mode`, else `password` when a password is set, else `token`
 * (a missing token is fine: the gateway generates one).
 * @throws {ConfigError} for a bad file, a bad `MAYROS_GATEWAY_PORT` or `--port`, mode `none` on a
 * non-loopback bind, or mode `password` without a password
 * @example const { config, authMode } = loadConfig({ flags: { port: 19000 } })
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const { env = process.env, flags = {} } = options;
  const paths = resolvePaths(env);
  const file = readConfigFile(paths.configPath);
  const fileConfig = validateConfig(file.data, paths.configPath);

  const config = applyOverrides(fileConfig, env, flags);
  return { config, fileConfig, paths, file, authMode: resolveAuthMode(config, paths.configPath), env, flags };
}

/**
 * Returns a copy of a validated file config with the env and flag overrides applied
 * (flags > env). Empty env vars count as unset.
 * @throws {ConfigError} naming `MAYROS_GATEWAY_PORT` or the flag when an override is invalid
 */
export function applyOverrides(fileConfig: MayrosConfig, env: NodeJS.ProcessEnv = {}, flags: ConfigFlags = {}): MayrosConfig {
  const config = structuredClone(fileConfig);
  const envPort = nonEmpty(env.MAYROS_GATEWAY_PORT);
  if (envPort !== undefined) config.gateway.port = parsePort(envPort, "MAYROS_GATEWAY_PORT");
  const envToken = nonEmpty(env.MAYROS_GATEWAY_TOKEN);
  if (envToken !== undefined) config.gateway.auth.token = envToken;
  const envPassword = nonEmpty(env.MAYROS_GATEWAY_PASSWORD);
  if (envPassword !== undefined) config.gateway.auth.password = envPassword;

  if (flags.port !== undefined) config.gateway.port = parsePort(flags.port, "--port");
  if (flags.bind !== undefined) config.gateway.bind = requireText(flags.bind, "--bind");
  if (flags.token !== undefined) config.gateway.auth.token = requireText(flags.token, "--token");
  if (flags.password !== undefined) config.gateway.auth.password = requireText(flags.password, "--password");

  return config;
}

/**
 * Resolves and checks the auth mode of an effective config.
 * @param source named in error messages (the config path)
 * @throws {ConfigError} for mode `none` on a non-loopback bind, or mode `password` without a password
 */
export function resolveAuthMode(config: MayrosConfig, source: string): AuthMode {
  const { auth, bind } = config.gateway;
  const mode: AuthMode = auth.mode ?? (auth.password ? "password" : "token");
  if (mode === "none" && bind !== "loopback") {
    throw new ConfigError(source, `"none" is only allowed when gateway.bind is "loopback" (bind is ${JSON.stringify(bind)})`, {
      path: "gateway.auth.mode",
    });
  }
  if (mode === "password" && !auth.password) {
    throw new ConfigError(source, 'is required when gateway.auth.mode is "password" (or set MAYROS_GATEWAY_PASSWORD)', {
      path: "gateway.auth.password",
    });
  }
  return mode;
}

function parsePort(value: string | number, source: string): number {
  const port = typeof value === "number" ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError(source, `must be an integer between 1 and 65535, got ${JSON.stringify(String(value))}`);
  }
  return port;
}

function requireText(value: string, source: string): string {
  if (value.trim() === "") throw new ConfigError(source, "must not be empty");
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}
