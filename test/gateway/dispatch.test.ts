import { beforeEach, describe, expect, it } from "bun:test";
import { GatewayError, type ErrorShape } from "../../src/protocol/index.ts";
import type { Connection, Identity } from "../../src/gateway/connection.ts";
import type { GatewayServices, MethodContext, MethodTable } from "../../src/gateway/context.ts";
import { GatewayStats } from "../../src/gateway/stats.ts";
import { Dispatcher, missingScopeError } from "../../src/gateway/dispatch.ts";
import { DedupeCache } from "../../src/gateway/idempotency.ts";

type Sent = { id: string; ok: true; payload: unknown } | { id: string; ok: false; error: ErrorShape };

/** The part of a Connection the dispatcher uses, recording every response. */
class FakeConnection {
  readonly id = "conn-1";
  readonly sent: Sent[] = [];
  constructor(public identity: Identity) {}
  respondOk(id: string, payload: unknown): void { this.sent.push({ id, ok: true, payload }); }
  respondError(id: string, error: ErrorShape): void { this.sent.push({ id, ok: false, error }); }
}

function identity(overrides: Partial<Identity> = {}): Identity {
  return {
    protocol: 4, role: "operator", scopes: new Set(["operator.admin"]), caps: [], authMethod: "token",
    client: { id: "test", version: "0.0.1", platform: "linux", mode: "test" },
    ...overrides,
  } as Identity;
}

type LogRecord = { level: string; msg: string; fields?: Record<string, unknown> };
let logged: LogRecord[];
let calls: Array<{ method: string; params: unknown; ctx: MethodContext }>;
let services: GatewayServices;

/** Handlers that record their calls; a few fail on purpose. */
function handlers(): MethodTable {
  const record = (method: string, result: unknown) => (params: unknown, ctx: MethodContext) => {
    calls.push({ method, params, ctx });
    return result;
  };
  return {
    health: record("health", { ok: true }),
    status: record("status", { status: "fine" }),
    "system-event": (params: { text: string }, ctx) => {
      calls.push({ method: "system-event", params, ctx });
      return { ok: true, queued: calls.length };
    },
    "config.get": () => { throw new GatewayError("NOT_PAIRED", "pair first", { details: { code: "X" }, retryable: true, retryAfterMs: 250 }); },
    "logs.tail": () => { throw new Error("disk on fire: secret=hunter2"); },
    "config.schema": async () => { throw new Error("async failure: secret=hunter2"); },
    "custom.handler-without-spec": record("custom", "nope"),
    // "system-presence" has a spec but deliberately no handler.
  };
}

function dispatcher(dedupe = new DedupeCache()): Dispatcher {
  return new Dispatcher(handlers(), services, dedupe);
}

/** Sends one request through a fresh dispatcher on `conn` and returns the single response. */
async function call(conn: FakeConnection, method: string, params?: unknown, d = dispatcher()): Promise<Sent> {
  const before = conn.sent.length;
  await d.handle(conn as unknown as Connection, JSON.stringify({ type: "req", id: `r${before}`, method, ...(params !== undefined && { params }) }));
  expect(conn.sent.length).toBe(before + 1);
  return conn.sent.at(-1)!;
}

function errorOf(sent: Sent): ErrorShape {
  if (sent.ok) throw new Error(`expected an error, got ${JSON.stringify(sent.payload)}`);
  return sent.error;
}

beforeEach(() => {
  logged = [];
  calls = [];
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => { logged.push({ level, msg, fields }); };
  services = {
    log: { debug: log("debug"), info: log("info"), warn: log("warn"), error: log("error") },
    stats: new GatewayStats(),
  } as unknown as GatewayServices;
});

describe("Dispatcher", () => {
  it("should run the handler with validated params and the call context, and answer ok", async () => {
    const conn = new FakeConnection(identity());
    const sent = await call(conn, "system-event", { text: "hello" });
    expect(sent).toEqual({ id: "r0", ok: true, payload: { ok: true, queued: 1 } });
    expect(calls[0]!.params).toEqual({ text: "hello" });
    expect(calls[0]!.ctx.conn).toBe(conn as unknown as Connection);
    expect(calls[0]!.ctx.services).toBe(services);
  });

  it("should pass omitted params to the handler as {}", async () => {
    const conn = new FakeConnection(identity());
    expect((await call(conn, "health")).ok).toBe(true);
    expect(calls[0]!.params).toEqual({});
  });

  it("should report an unknown method before checking scopes", async () => {
    const conn = new FakeConnection(identity({ scopes: new Set() }));
    expect(errorOf(await call(conn, "no.such.method"))).toEqual({ code: "INVALID_REQUEST", message: "unknown method: no.such.method" });
  });

  it("should treat a catalog method without a handler, and a handler without a catalog entry, as unknown", async () => {
    const conn = new FakeConnection(identity());
    expect(errorOf(await call(conn, "system-presence")).message).toBe("unknown method: system-presence");
    expect(errorOf(await call(conn, "custom.handler-without-spec")).message).toBe("unknown method: custom.handler-without-spec");
    expect(calls).toHaveLength(0);
  });

  it("should refuse connect on an open connection", async () => {
    const conn = new FakeConnection(identity());
    expect(errorOf(await call(conn, "connect", {})).message).toBe("invalid request: already connected");
  });

  it("should check the role before the scope", async () => {
    const conn = new FakeConnection(identity({ role: "node", scopes: new Set() }));
    expect(errorOf(await call(conn, "status"))).toEqual({ code: "INVALID_REQUEST", message: "unauthorized role: node" });
    expect(calls).toHaveLength(0);
  });

  it("should check the scope before the params", async () => {
    const conn = new FakeConnection(identity({ scopes: new Set(["operator.read"]) }));
    const error = errorOf(await call(conn, "system-event", { wrong: true }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe("missing scope: operator.admin");
  });

  it("should check the params before running the handler", async () => {
    const conn = new FakeConnection(identity());
    const error = errorOf(await call(conn, "system-event", { wrong: true }));
    expect(error.code).toBe("INVALID_REQUEST");
    expect(error.message).toStartWith("invalid system-event params: ");
    const omitted = errorOf(await call(conn, "system-event"));
    expect(omitted.message).toBe("invalid system-event params: at /text: is required");
    expect(calls).toHaveLength(0);
  });

  it("should let operator.write satisfy operator.read", async () => {
    const conn = new FakeConnection(identity({ scopes: new Set(["operator.write"]) }));
    expect((await call(conn, "status")).ok).toBe(true);
  });

  it("should answer a v4 missing scope as FORBIDDEN with details", async () => {
    const conn = new FakeConnection(identity({ protocol: 4, scopes: new Set() }));
    expect(errorOf(await call(conn, "status"))).toEqual({
      code: "FORBIDDEN", message: "missing scope: operator.read",
      details: { code: "MISSING_SCOPE", missingScope: "operator.read", requiredScopes: ["operator.read"] },
    });
    expect(missingScopeError(4, "operator.read").toShape()).toEqual(errorOf(conn.sent[0]!));
  });

  it("should answer a v3 missing scope as a plain INVALID_REQUEST", async () => {
    const conn = new FakeConnection(identity({ protocol: 3, scopes: new Set() }));
    expect(errorOf(await call(conn, "status"))).toEqual({ code: "INVALID_REQUEST", message: "missing scope: operator.read" });
  });

  it("should turn a thrown GatewayError into its exact shape", async () => {
    const conn = new FakeConnection(identity());
    expect(errorOf(await call(conn, "config.get"))).toEqual({
      code: "NOT_PAIRED", message: "pair first", details: { code: "X" }, retryable: true, retryAfterMs: 250,
    });
    expect(logged.filter((r) => r.level === "error")).toHaveLength(0);
  });

  it("should turn a plain Error into UNAVAILABLE without leaking its message, and log it", async () => {
    const conn = new FakeConnection(identity());
    const sync = errorOf(await call(conn, "logs.tail"));
    const async = errorOf(await call(conn, "config.schema"));
    expect(sync).toEqual({ code: "UNAVAILABLE", message: "logs.tail failed: internal error" });
    expect(async).toEqual({ code: "UNAVAILABLE", message: "config.schema failed: internal error" });
    expect(JSON.stringify(conn.sent)).not.toContain("hunter2");
    expect(logged.filter((r) => r.level === "error").map((r) => r.fields?.method)).toEqual(["logs.tail", "config.schema"]);
  });

  it("should answer an invalid frame that has an id, and ignore one without", async () => {
    const conn = new FakeConnection(identity());
    const d = dispatcher();
    await d.handle(conn as unknown as Connection, JSON.stringify({ type: "req", id: "x1" }));
    expect(conn.sent).toHaveLength(1);
    expect(errorOf(conn.sent[0]!).message).toStartWith("invalid request frame: ");
    await d.handle(conn as unknown as Connection, JSON.stringify({ type: "req", method: "health" }));
    await d.handle(conn as unknown as Connection, "not json");
    expect(conn.sent).toHaveLength(1);
  });

  it("should run an idempotent method once per idempotencyKey and replay its result", async () => {
    const conn = new FakeConnection(identity());
    const d = dispatcher();
    const first = await call(conn, "system-event", { text: "once", idempotencyKey: "k1" }, d);
    const retry = await call(conn, "system-event", { text: "once", idempotencyKey: "k1" }, d);
    const other = await call(conn, "system-event", { text: "again", idempotencyKey: "k2" }, d);
    expect(calls.map((c) => c.params)).toEqual([{ text: "once", idempotencyKey: "k1" }, { text: "again", idempotencyKey: "k2" }]);
    expect(retry.ok && first.ok && retry.payload).toEqual(first.ok && first.payload);
    expect(other.ok && other.payload).toEqual({ ok: true, queued: 2 });
  });

  it("should scope idempotency keys by method and never cache a request refused before its handler", async () => {
    const conn = new FakeConnection(identity());
    const dedupe = new DedupeCache();
    const d = dispatcher(dedupe);
    await call(conn, "system-event", { text: "a", idempotencyKey: "same" }, d);
    await call(conn, "config.patch", { raw: "{}", idempotencyKey: "same" }, d); // no handler: refused
    expect(dedupe.size).toBe(1);
    const patched = await call(conn, "config.patch", { raw: "{}", idempotencyKey: "same" }, new Dispatcher({ ...handlers(), "config.patch": () => ({ patched: true }) }, services, dedupe));
    expect(patched.ok && patched.payload).toEqual({ patched: true });
    expect(dedupe.size).toBe(2);
  });

  it("should list the methods that have a handler", () => {
    expect(dispatcher().methods()).toContain("system-event");
    expect(dispatcher().methods()).not.toContain("system-presence");
  });
});
