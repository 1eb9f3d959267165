/**
 * @module `mayros config get|set|unset|validate|edit|path`: the config file (`mayros.json`) from the
 * command line. Paths are dotted (`gateway.port`, `channels.telegram.botToken`), values JSON5; every
 * write is validated against the schema and written atomically by the config service; secrets are
 * shown masked.
 */
import type { Command } from "commander";
import JSON5 from "json5";
import { GatewayError } from "../protocol/errors.ts";
import {
  createConfigService, isConfigError, loadConfig, readConfigFile, redactSecrets, resolvePaths, validateConfig,
  type ConfigError, type MayrosPaths,
} from "../config/index.ts";
import { inspectGatewayLock } from "../store/index.ts";
import { editConfigFile } from "./config-edit.ts";
import { formatConfigPath, getAtPath, parseConfigPath, setAtPath, unsetAtPath, type PathSegment } from "./config-path.ts";
import { CliError, ExitCode } from "./errors.ts";
import { printJson, printLines } from "./output.ts";

interface JsonFlag {
  json?: boolean;
}

/** Registers `config` and its subcommands. */
export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("read, change and check the config file (mayros.json)");
  config
    .command("get [path]")
    .description("print the config file, or the value at a dotted path (its default when unset); secrets are masked")
    .option("--json", "print machine-readable JSON")
    .action((path: string | undefined, flags: JsonFlag) => configGet(path, flags));
  config
    .command("set <path> <value>")
    .description("set the value at a dotted path (value parsed as JSON5, else taken as a string) and save atomically")
    .option("--string", "take the value as a string even if it parses as JSON5 (e.g. a numeric token)")
    .option("--json", "print machine-readable JSON")
    .action((path: string, value: string, flags: JsonFlag & { string?: boolean }) => configSet(path, value, flags));
  config
    .command("unset <path>")
    .description("remove the value at a dotted path (its default applies again)")
    .option("--json", "print machine-readable JSON")
    .action((path: string, flags: JsonFlag) => configUnset(path, flags));
  config
    .command("validate")
    .description("check the config file and the MAYROS_* environment against the schema")
    .option("--json", "print machine-readable JSON")
    .action((flags: JsonFlag) => configValidate(flags));
  config
    .command("edit")
    .description("open the config file in $VISUAL or $EDITOR (default vi); saved only when valid")
    .option("--json", "print machine-readable JSON")
    .action(async (flags: JsonFlag) => {
      const result = await editConfigFile(resolvePaths(), process.env);
      if (flags.json) return printJson(result);
      printLines(result.changed ? `saved ${result.path}` : `no changes to ${result.path}`, ...restartHint(resolvePaths(), result.changed));
    });
  config
    .command("path")
    .description("print where the config file is (MAYROS_CONFIG_PATH, default <state dir>/mayros.json)")
    .option("--json", "print machine-readable JSON")
    .action((flags: JsonFlag) => {
      const paths = resolvePaths();
      if (flags.json) return printJson({ ...paths, exists: readFile(paths).exists });
      printLines(paths.configPath);
    });
}

function configGet(path: string | undefined, flags: JsonFlag): void {
  const paths = resolvePaths();
  const file = readFile(paths);
  const redacted = redactSecrets(file.data);
  if (path === undefined) {
    if (flags.json) return printJson({ path: paths.configPath, exists: file.exists, config: redacted });
    return printLines(JSON.stringify(redacted, null, 2));
  }
  const segments = parseConfigPath(path);
  let found = getAtPath(redacted, segments);
  let source: "file" | "default" = "file";
  if (!found.found) {
    // Not in the file: the schema's default, when the rest of the file is valid.
    found = getAtPath(redactSecrets(safeDefaults(file.data, paths)), segments);
    source = "default";
  }
  if (!found.found) throw new CliError(`${formatConfigPath(segments)} is not set in ${paths.configPath} and has no default`);
  if (flags.json) return printJson({ path: formatConfigPath(segments), value: found.value, source });
  printLines(typeof found.value === "string" ? found.value : JSON.stringify(found.value, null, 2));
}

function configSet(path: string, text: string, flags: JsonFlag & { string?: boolean }): void {
  const segments = parseConfigPath(path);
  const value = flags.string ? text : parseValue(text);
  const target = formatConfigPath(segments);
  // A number or boolean where the schema wants text (a numeric token): say how to store it as text.
  const hint = (err: GatewayError | ConfigError) =>
    typeof value !== "string" && errorPath(err) === target && /string/.test(err.message) ? ` (the value was read as JSON5 ${typeof value}; pass --string to store it as text)` : "";
  const saved = writeWith((data) => setAtPath(data, segments, value), hint);
  report(flags, segments, saved, "set");
}

function configUnset(path: string, flags: JsonFlag): void {
  const segments = parseConfigPath(path);
  const saved = writeWith((data) => {
    const next = unsetAtPath(data, segments);
    if (next === undefined) throw new CliError(`${formatConfigPath(segments)} is not set in ${resolvePaths().configPath}`);
    return next;
  });
  report(flags, segments, saved, "unset");
}

function configValidate(flags: JsonFlag): void {
  const { configPath } = resolvePaths();
  try {
    loadConfig();
  } catch (err) {
    if (!isConfigError(err)) throw err;
    if (flags.json) printJson({ valid: false, path: configPath, error: { message: err.message, path: err.path, line: err.line, column: err.column } });
    throw new CliError(err.message, ExitCode.USAGE);
  }
  if (flags.json) return printJson({ valid: true, path: configPath });
  printLines(`${configPath}: valid`);
}

interface Saved {
  paths: MayrosPaths;
  /** The new file content, secrets masked. */
  config: unknown;
}

/**
 * Reads the file (secrets masked), applies `change`, and writes the whole result through the config
 * service, which puts the masked secrets back, validates and writes atomically.
 * @param hint appended to a validation error.
 */
function writeWith(change: (data: unknown) => unknown, hint?: (err: GatewayError | ConfigError) => string): Saved {
  const paths = resolvePaths();
  const service = createConfigService({ paths });
  const current = serviceCall(() => service.get(), () => " (fix it with `mayros config edit`)");
  const next = change(current.config);
  const result = serviceCall(() => service.write("apply", JSON.stringify(next), current.hash), hint);
  return { paths, config: result.config };
}

function report(flags: JsonFlag, segments: PathSegment[], saved: Saved, action: "set" | "unset"): void {
  const path = formatConfigPath(segments);
  const value = getAtPath(saved.config, segments).value;
  const running = inspectGatewayLock(saved.paths.stateDir)?.alive === true;
  if (flags.json) return printJson({ ok: true, action, path, ...(action === "set" && { value }), file: saved.paths.configPath, restartRequired: running });
  printLines(
    action === "set" ? `${path} = ${JSON.stringify(value)}` : `${path} removed`,
    `saved ${saved.paths.configPath}`,
    ...restartHint(saved.paths, true),
  );
}

/** A reminder that a running gateway reads its config at start. */
function restartHint(paths: MayrosPaths, changed: boolean): string[] {
  const lock = changed ? inspectGatewayLock(paths.stateDir) : undefined;
  return lock?.alive ? [`the gateway (pid ${lock.pid}) reads its config at start: restart it to apply the change (mayros service restart, if it runs as a service)`] : [];
}

/** JSON5 when it parses (numbers, booleans, objects, quoted strings), else the text itself. */
function parseValue(text: string): unknown {
  try {
    return JSON5.parse(text);
  } catch {
    return text;
  }
}

/** Runs a config service call, turning its errors into exit-2 CLI errors (with `hint`'s advice appended). */
function serviceCall<T>(call: () => T, hint?: (err: GatewayError | ConfigError) => string): T {
  try {
    return call();
  } catch (err) {
    if (err instanceof GatewayError || isConfigError(err)) throw new CliError(`${err.message}${hint?.(err) ?? ""}`, ExitCode.USAGE);
    throw err;
  }
}

/** The dotted config path an error names, if any. */
function errorPath(err: GatewayError | ConfigError): string | undefined {
  const path = isConfigError(err) ? err.path : (err as GatewayError).options.details?.path;
  return typeof path === "string" ? path : undefined;
}

function readFile(paths: MayrosPaths) {
  try {
    return readConfigFile(paths.configPath);
  } catch (err) {
    if (isConfigError(err)) throw new CliError(`${err.message} (fix it with \`mayros config edit\`)`, ExitCode.USAGE);
    throw err;
  }
}

/** The file with every default filled in, or `{}` when the file is invalid. */
function safeDefaults(data: unknown, paths: MayrosPaths): unknown {
  try {
    return validateConfig(data, paths.configPath);
  } catch {
    return {};
  }
}
