/**
 * @module The plugin's config, typed. The host validated `plugins.entries.iot-bridge.config` against the
 * manifest's JSON Schema and filled the defaults; what the schema cannot check — ids unique after the host-derived
 * defaults, no more nodes than `maxNodes` — is checked here. One default port everywhere: {@link DEFAULT_NODE_PORT}.
 */
import type { ResilienceOptions } from "./node-link.ts";

/** The port of an `aingle_minimal` node when none is given (config, methods and CLI alike). */
export const DEFAULT_NODE_PORT = 19090;

/** What a node id must look like. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** A node as given in the config or to `iot.add`. */
export interface NodeSpec {
  id: string;
  url: string;
  name?: string;
}

/** The IoT bridge's settings. */
export interface IotConfig {
  nodes: NodeSpec[];
  pollIntervalMs: number;
  injectContext: boolean;
  maxNodes: number;
  resilience: ResilienceOptions;
}

type RawNode = { id?: string; host: string; port?: number; label?: string };
type RawResilience = { timeoutMs: number; maxRetries: number; retryDelayMs: number; maxRetryDelayMs: number; circuitThreshold: number; circuitResetMs: number; halfOpenSuccesses: number };

const FIELD = "plugins.entries.iot-bridge.config";

/**
 * A node from a host, port, id and label: the id defaults to the host with every character outside
 * `[A-Za-z0-9_-]` turned into a dash, the port to {@link DEFAULT_NODE_PORT}.
 * @throws {Error} for an id that does not match {@link NODE_ID_PATTERN}
 */
export function nodeSpec(raw: RawNode): NodeSpec {
  const id = raw.id ?? raw.host.replace(/[^A-Za-z0-9_-]/g, "-").replace(/^[-_]+/, "");
  if (!NODE_ID_PATTERN.test(id)) throw new Error(`node id "${id}" must match ${NODE_ID_PATTERN.source}`);
  const host = raw.host.includes(":") && !raw.host.startsWith("[") ? `[${raw.host}]` : raw.host;
  return { id, url: `http://${host}:${raw.port ?? DEFAULT_NODE_PORT}`, ...(raw.label !== undefined && { name: raw.label }) };
}

/**
 * Reads the validated plugin config.
 * @throws {Error} naming the field, for a bad or duplicate node id or more nodes than `maxNodes`
 */
export function readIotConfig(raw: Record<string, unknown>): IotConfig {
  const c = raw as { nodes: RawNode[]; pollIntervalMs: number; injectContext: boolean; maxNodes: number; resilience: RawResilience };
  const nodes = c.nodes.map((n, i) => {
    try {
      return nodeSpec(n);
    } catch (err) {
      throw new Error(`${FIELD}.nodes[${i}]: ${(err as Error).message}`);
    }
  });
  const seen = new Set<string>();
  nodes.forEach((n, i) => {
    if (seen.has(n.id)) throw new Error(`${FIELD}.nodes[${i}]: duplicate node id "${n.id}"`);
    seen.add(n.id);
  });
  if (nodes.length > c.maxNodes) throw new Error(`${FIELD}.nodes: ${nodes.length} nodes, more than maxNodes (${c.maxNodes})`);
  const r = c.resilience;
  return {
    nodes, pollIntervalMs: c.pollIntervalMs, injectContext: c.injectContext, maxNodes: c.maxNodes,
    resilience: {
      client: { timeoutMs: r.timeoutMs },
      breaker: { failureThreshold: r.circuitThreshold, resetMs: r.circuitResetMs, successesToClose: r.halfOpenSuccesses },
      retry: { maxRetries: r.maxRetries, baseMs: r.retryDelayMs, capMs: r.maxRetryDelayMs },
    },
  };
}
