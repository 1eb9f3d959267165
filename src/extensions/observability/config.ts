/**
 * @module The plugin's config, typed. The host already validated `plugins.entries.observability.config` against the
 * manifest's JSON Schema (unknown keys rejected, `flushIntervalMs ≥ 100`, retention limits, a path starting with `/`)
 * and filled the defaults; what JSON Schema does not express — that the metrics path is not one the gateway serves
 * itself — is checked here.
 */

/** The observability settings. */
export interface ObservabilityConfig {
  tracing: {
    enabled: boolean;
    captureToolCalls: boolean;
    captureLLMCalls: boolean;
    captureDelegations: boolean;
    /** @default 1000 */
    flushIntervalMs: number;
    /** Events buffered between flushes. @default 5000 */
    bufferSize: number;
  };
  retention: {
    /** @default 100000 */
    maxEvents: number;
    /** @default 7 */
    maxAgeDays: number;
  };
  metrics: {
    /** @default true */
    enabled: boolean;
    /** @default "/metrics" */
    path: string;
  };
}

/** Where config errors point. */
const FIELD = "plugins.entries.observability.config";

/** Paths the gateway serves itself; a metrics route there would never be reached. */
const RESERVED_PATHS = new Set(["/", "/healthz", "/readyz", "/chat"]);

/**
 * Reads the validated plugin config.
 * @throws {Error} naming the field, for a metrics path the gateway already serves
 */
export function readObservabilityConfig(raw: Record<string, unknown>): ObservabilityConfig {
  const config = raw as unknown as ObservabilityConfig;
  const path = config.metrics.path;
  if (RESERVED_PATHS.has(path) || path.startsWith("/ui/")) throw new Error(`${FIELD}.metrics.path: ${path} is served by the gateway itself; choose another path`);
  return config;
}
