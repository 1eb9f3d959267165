/** @module `ConfigError`: a bad config file, environment variable or flag, named with the dotted path and the problem. */

/** Details of a {@link ConfigError}. */
export interface ConfigErrorDetails {
  /** Dotted path inside the config (`gateway.port`, `(root)`), when the problem is a value. */
  path?: string;
  /** 1-based line of a syntax error. */
  line?: number;
  /** 1-based column of a syntax error. */
  column?: number;
  /** The underlying error. */
  cause?: unknown;
}

/**
 * A configuration problem. The message names where it came from (file path, env var or flag),
 * then the dotted path or the line/column, then the problem:
 * `/home/u/.mayros/mayros.json: gateway.port: must be <= 65535`,
 * `/home/u/.mayros/mayros.json: line 3, column 2: invalid character 'b'`,
 * `MAYROS_GATEWAY_PORT: must be an integer between 1 and 65535, got "abc"`.
 * The CLI maps it to exit code 2.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError" as const;
  /** The file path, env var name or flag the bad value came from. */
  readonly source: string;
  /** Dotted config path, when known. */
  readonly path: string | undefined;
  /** 1-based line of a syntax error. */
  readonly line: number | undefined;
  /** 1-based column of a syntax error. */
  readonly column: number | undefined;
  /** The problem alone, without source and path (e.g. `must be <= 65535`). */
  readonly problem: string;

  constructor(source: string, problem: string, details: ConfigErrorDetails = {}) {
    const where =
      details.line !== undefined
        ? `line ${details.line}${details.column !== undefined ? `, column ${details.column}` : ""}`
        : details.path;
    super([source, where, problem].filter((part) => part !== undefined && part !== "").join(": "), {
      cause: details.cause,
    });
    this.source = source;
    this.path = details.path;
    this.line = details.line;
    this.column = details.column;
    this.problem = problem;
  }
}

/** True for a {@link ConfigError}, also across realms (compares `name`). */
export function isConfigError(error: unknown): error is ConfigError {
  return error instanceof ConfigError || (error instanceof Error && error.name === "ConfigError");
}
