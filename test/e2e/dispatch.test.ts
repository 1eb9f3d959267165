/** Request dispatch after the handshake: roles, scopes, unknown methods, params errors; no error ever closes the socket. */
import { deviceConnect, newIdentity } from "../helpers/devices.ts";
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket, type Frame, type HandshakeOptions } from "../helpers/ws-client.ts";

let gw: TestGateway;
const socks: TestSocket[] = [];
beforeAll(async () => { gw = await startTestGateway({ gateway: { tickIntervalMs: 60_000 } }); });
afterAll(async () => {
  await Promise.all(socks.map((s) => s.close()));
  await gw.stop();
});

async function client(opts: HandshakeOptions): Promise<TestSocket> {
  const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, ...opts });
  expect(res.ok).toBe(true);
  socks.push(sock);
  return sock;
}

/** Expects `res` to be a failed response with exactly `error`, then checks the socket still answers `health`. */
async function expectError(sock: TestSocket, res: Frame, error: Record<string, unknown>): Promise<void> {
  expect(res).toEqual({ type: "res", id: res.id, ok: false, error });
  const health = await sock.request("health");
  expect(health.ok).toBe(true);
}

const PATCH = { raw: "{}", baseHash: "0".repeat(64) };

describe("dispatch: scopes", () => {
  it("should refuse config.patch to a read-only v4 client with FORBIDDEN and MISSING_SCOPE details", async () => {
    const sock = await client({ scopes: ["operator.read"] });
    await expectError(sock, await sock.request("config.patch", PATCH), {
      code: "FORBIDDEN", message: "missing scope: operator.admin",
      details: { code: "MISSING_SCOPE", missingScope: "operator.admin", requiredScopes: ["operator.admin"] },
    });
  });

  it("should refuse config.patch to a read-only v3 client with INVALID_REQUEST and no details", async () => {
    const sock = await client({ scopes: ["operator.read"], minProtocol: 3, maxProtocol: 3 });
    await expectError(sock, await sock.request("config.patch", PATCH), { code: "INVALID_REQUEST", message: "missing scope: operator.admin" });
  });

  it("should let a client without scopes call health but not status", async () => {
    const sock = await client({ scopes: [] });
    const health = await sock.request("health");
    expect(health.ok).toBe(true);
    expect(health.payload).toMatchObject({ ok: true });
    await expectError(sock, await sock.request("status"), {
      code: "FORBIDDEN", message: "missing scope: operator.read",
      details: { code: "MISSING_SCOPE", missingScope: "operator.read", requiredScopes: ["operator.read"] },
    });
  });

  it("should let operator.write satisfy operator.read methods but not admin ones", async () => {
    const sock = await client({ scopes: ["operator.write"] });
    for (const method of ["status", "system-presence", "config.get", "config.schema", "logs.tail"]) {
      const res = await sock.request(method);
      expect({ method, ok: res.ok }).toEqual({ method, ok: true });
    }
    const res = await sock.request("system-event", { text: "hi" });
    expect(res.error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.admin" });
  });

  it("should not let unrelated scopes satisfy operator.read", async () => {
    const sock = await client({ scopes: ["operator.pairing", "operator.approvals", "operator.talk"] });
    const res = await sock.request("config.get");
    expect(res.error).toMatchObject({ code: "FORBIDDEN", message: "missing scope: operator.read" });
  });

  it("should let operator.admin call everything", async () => {
    const sock = await client({ scopes: ["operator.admin"] });
    for (const method of ["status", "config.get", "logs.tail", "system-presence"]) expect((await sock.request(method)).ok).toBe(true);
    const event = await sock.request("system-event", { text: "admin was here" });
    expect(event.payload).toEqual({ ok: true, queued: expect.any(Number) });
  });
});

describe("dispatch: methods and roles", () => {
  it("should answer an unknown method with INVALID_REQUEST 'unknown method: <name>' on v4 and v3", async () => {
    const admin = await client({ scopes: ["operator.admin"] });
    await expectError(admin, await admin.request("x"), { code: "INVALID_REQUEST", message: "unknown method: x" });
    const v3 = await client({ scopes: ["operator.read"], minProtocol: 3, maxProtocol: 3 });
    await expectError(v3, await v3.request("no.such.method"), { code: "INVALID_REQUEST", message: "unknown method: no.such.method" });
  });

  it("should refuse operator methods to a node with 'unauthorized role: node'", async () => {
    const { sock: node, res } = await deviceConnect(gw.url, { identity: newIdentity(), token: gw.token, role: "node" });
    expect(res.ok).toBe(true);
    for (const method of ["status", "health", "config.patch"]) {
      await expect(node.request(method, method === "config.patch" ? PATCH : undefined)).resolves.toMatchObject({
        ok: false, error: { code: "INVALID_REQUEST", message: "unauthorized role: node" },
      });
    }
    // The node is still connected and its scopes were cleared: presence shows no operator scopes.
    const reader = await client({ scopes: ["operator.read"] });
    const rows = (await reader.request("system-presence")).payload as Array<Record<string, unknown>>;
    expect(rows).toContainEqual(expect.objectContaining({ clientId: "node-host", roles: ["node"], scopes: [] }));
  });

  it("should refuse a second connect after hello but keep the socket open", async () => {
    const sock = await client({ scopes: ["operator.read"] });
    const res = await sock.request("connect", { minProtocol: 4, maxProtocol: 4, client: { id: "test", version: "1", platform: "x", mode: "test" } });
    await expectError(sock, res, { code: "INVALID_REQUEST", message: "invalid request: already connected" });
  });
});

describe("dispatch: params and frames", () => {
  it("should name the offending field of bad params", async () => {
    const sock = await client({ scopes: ["operator.admin"] });
    const cases: Array<[string, unknown, string]> = [
      ["logs.tail", { limit: 0 }, "invalid logs.tail params: at /limit: must be >= 1"],
      ["logs.tail", { limit: 5001 }, "invalid logs.tail params: at /limit: must be <= 5000"],
      ["logs.tail", { cursor: 1.5 }, "invalid logs.tail params: at /cursor: must be an integer"],
      ["health", { probe: "yes" }, "invalid health params: at /probe: must be a boolean"],
      ["status", { verbose: true }, "invalid status params: at /verbose: is not an allowed property"],
      ["config.patch", {}, "invalid config.patch params: at /raw: is required"],
      ["config.patch", undefined, "invalid config.patch params: at /raw: is required"],
      ["system-event", { text: "" }, "invalid system-event params: at /text: must be at least 1 characters"],
      ["status", [], "invalid status params: at /: must be an object"],
    ];
    for (const [method, params, message] of cases) {
      await expectError(sock, await sock.request(method, params), { code: "INVALID_REQUEST", message });
    }
  });

  it("should answer an invalid request frame that has an id, and stay open", async () => {
    const sock = await client({ scopes: ["operator.read"] });
    const pending = sock.next((f) => f.type === "res" && f.id === "bad1");
    sock.send({ type: "req", id: "bad1", method: "health", extra: 1 });
    await expectError(sock, await pending, { code: "INVALID_REQUEST", message: "invalid request frame: at /extra: is not an allowed property" });
    const typed = sock.next((f) => f.type === "res" && f.id === "bad2");
    sock.send({ type: "res", id: "bad2", ok: true });
    await expectError(sock, await typed, { code: "INVALID_REQUEST", message: "invalid request frame: at /method: is required" });
  });

  it("should ignore non-JSON, id-less and binary frames without answering or closing", async () => {
    const sock = await client({ scopes: ["operator.read"] });
    const before = sock.received.length;
    sock.send("not json at all");
    sock.send({ type: "req", method: "status" });
    sock.send({ type: "req", id: "", method: "status" });
    sock.ws.send(new Uint8Array([1, 2, 3]));
    const health = await sock.request("health", undefined, "after-garbage");
    expect(health.ok).toBe(true);
    expect(sock.received.slice(before).filter((f) => f.type === "res")).toEqual([health]);
  });

  it("should accept the v4 request fields traceparent and expectedProfileId", async () => {
    const sock = await client({ scopes: ["operator.read"] });
    const res = sock.next((f) => f.type === "res" && f.id === "t1");
    sock.send({ type: "req", id: "t1", method: "status", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", expectedProfileId: "p1" });
    expect((await res).ok).toBe(true);
  });
});
