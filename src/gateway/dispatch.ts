/**
 * @module Request dispatch after the handshake: frame schema → method exists → role and scope →
 * params schema → idempotency → handler. A request error never closes the connection.
 */
import {
  ErrorCodes, GatewayError, METHODS, type ErrorCode, RequestFrame, firstError, hasScope, isGatewayError, matches,
  type ErrorShape, type MethodSpec, type ProtocolVersion, type Scope,
} from "../protocol/index.ts";
import type { Connection } from "./connection.ts";
import { TwoPhaseReply, type GatewayServices, type MethodTable } from "./context.ts";
import type { DedupeCache, Outcome } from "./idempotency.ts";
import type { PluginGatewayMethod } from "../plugins/api.ts";
import { pluginMethodSpec } from "./plugin-host.ts";

const SPECS: Record<string, MethodSpec> = METHODS;

/** The missing-scope error in the shape of the connection's protocol version (protocol-v4.md §6). */
export function missingScopeError(protocol: ProtocolVersion, scope: Scope): GatewayError {
  const message = `missing scope: ${scope}`;
  if (protocol === 3) return new GatewayError("INVALID_REQUEST", message);
  return new GatewayError("FORBIDDEN", message, { details: { code: "MISSING_SCOPE", missingScope: scope, requiredScopes: [scope] } });
}

function respond(conn: Connection, id: string, outcome: Outcome): void {
  if (outcome.ok) conn.respondOk(id, outcome.payload);
  else conn.respondError(id, outcome.error, outcome.payload);
}

/**
 * Runs a plugin's method; what it throws reaches the client as a protocol error with its message: its `code` when
 * that is a protocol error code (e.g. `INVALID_REQUEST`), else `UNAVAILABLE`.
 */
async function callPluginMethod(method: string, plugin: PluginGatewayMethod, params: Record<string, unknown>): Promise<unknown> {
  try {
    return await plugin.handler(params);
  } catch (err) {
    if (isGatewayError(err)) throw err;
    const code = (err as { code?: unknown })?.code;
    const known = (ErrorCodes as readonly unknown[]).includes(code) ? (code as ErrorCode) : "UNAVAILABLE";
    throw new GatewayError(known, `${method}: ${(err as Error)?.message ?? String(err)}`);
  }
}

/** Routes authenticated requests to handlers. */
export class Dispatcher {
  constructor(
    private readonly handlers: MethodTable,
    private readonly services: GatewayServices,
    private readonly dedupe: DedupeCache,
    /** Gateway methods registered by plugins (`registerGatewayMethod`); built-in names win. */
    private readonly pluginMethods: ReadonlyMap<string, PluginGatewayMethod> = new Map(),
  ) {}

  /** Names of the methods that have a handler. */
  methods(): string[] {
    return [...Object.keys(this.handlers), ...[...this.pluginMethods.keys()].filter((m) => !(m in this.handlers))];
  }

  /**
   * Calls a method in-process with operator rights (a plugin's `runtime.call`): params validated, no scope check,
   * no connection (methods that answer a connection's own state fail); a two-phase method answers with its ack.
   * @throws {GatewayError} unknown method, bad params, or the handler's error
   */
  async invoke(method: string, params: unknown = {}): Promise<unknown> {
    const found = method === "connect" ? undefined : this.lookup(method);
    if (!found) throw new GatewayError("INVALID_REQUEST", `unknown method: ${method}`);
    const problem = firstError(found.spec.params, params);
    if (problem) throw new GatewayError("INVALID_REQUEST", `invalid ${method} params: ${problem}`);
    const result = await found.handler(params, { conn: undefined as unknown as Connection, services: this.services });
    return result instanceof TwoPhaseReply ? result.ack : result;
  }

  /** The spec and handler of a method: built-in, else a plugin's. */
  private lookup(method: string): { spec: MethodSpec; handler: MethodTable[string] } | undefined {
    const spec = SPECS[method];
    const handler = this.handlers[method];
    if (spec && handler) return { spec, handler };
    const plugin = this.pluginMethods.get(method);
    return plugin && { spec: pluginMethodSpec(plugin), handler: (params) => callPluginMethod(method, plugin, params as Record<string, unknown>) };
  }

  /** Handles one text frame from an open connection. */
  async handle(conn: Connection, text: string): Promise<void> {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.services.log.debug("ignored non-JSON frame", { conn: conn.id });
      return;
    }
    if (!matches(RequestFrame, frame)) {
      const id = (frame as { id?: unknown } | null)?.id;
      if (typeof id === "string" && id.length > 0) {
        conn.respondError(id, new GatewayError("INVALID_REQUEST", `invalid request frame: ${firstError(RequestFrame, frame)}`).toShape());
      }
      return;
    }
    const startedAt = performance.now();
    const outcome = await this.outcomeOf(conn, frame);
    // Unknown names share one label: clients must not be able to grow the metrics without bound.
    const label = frame.method in SPECS || this.pluginMethods.has(frame.method) ? frame.method : "unknown";
    this.services.stats.recordCall(label, performance.now() - startedAt, outcome.ok);
    respond(conn, frame.id, outcome);
    // Two-phase methods answer again on the same id when the work completes.
    if (outcome.final) void outcome.final.then((final) => respond(conn, frame.id, final));
  }

  private async outcomeOf(conn: Connection, frame: RequestFrame): Promise<Outcome> {
    try {
      const { method, params } = frame;
      const run = this.authorize(conn, method, params);
      const key = SPECS[method]?.idempotency ? (params as { idempotencyKey?: string } | undefined)?.idempotencyKey : undefined;
      if (!key) return await run();
      const dedupeKey = `${method}:${key}`;
      const outcome = await this.dedupe.run(dedupeKey, run);
      void outcome.final?.then((final) => this.dedupe.replace(dedupeKey, final));
      return outcome;
    } catch (err) {
      return { ok: false, error: this.toShape(err, frame.method) };
    }
  }

  /** Checks everything before the handler and returns the call to make. */
  private authorize(conn: Connection, method: string, rawParams: unknown): () => Promise<Outcome> {
    const identity = conn.identity!;
    if (method === "connect") throw new GatewayError("INVALID_REQUEST", "invalid request: already connected");
    const found = this.lookup(method);
    if (!found) throw new GatewayError("INVALID_REQUEST", `unknown method: ${method}`);
    const { spec, handler } = found;
    if (spec.role !== identity.role) throw new GatewayError("INVALID_REQUEST", `unauthorized role: ${identity.role}`);
    const listed = identity.methodAllowlist?.has(method);
    if (identity.methodAllowlist && !listed) {
      throw new GatewayError("FORBIDDEN", `${method} needs a paired device: connect with a device identity`, { details: { code: "DEVICE_IDENTITY_REQUIRED" } });
    }
    if (!listed && spec.scope !== null && !hasScope(identity.scopes, spec.scope)) throw missingScopeError(identity.protocol, spec.scope);
    // Omitted params are validated as `{}`, so a method with required fields names the first one.
    const params = rawParams ?? {};
    const problem = firstError(spec.params, params);
    if (problem) throw new GatewayError("INVALID_REQUEST", `invalid ${method} params: ${problem}`);
    return async () => {
      try {
        const result = await handler(params, { conn, services: this.services });
        if (result instanceof TwoPhaseReply) return { ok: true, payload: result.ack, final: result.final.catch((err) => ({ ok: false, error: this.toShape(err, method) })) };
        return { ok: true, payload: result };
      } catch (err) {
        return { ok: false, error: this.toShape(err, method) };
      }
    };
  }

  private toShape(err: unknown, method: string): ErrorShape {
    if (isGatewayError(err)) return err.toShape();
    this.services.log.error("method failed", { method, error: err instanceof Error ? err.message : String(err) });
    return { code: "UNAVAILABLE", message: `${method} failed: internal error` };
  }
}
