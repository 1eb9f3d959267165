import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateIdentity } from "../../src/devices/client-identity.ts";
import { loadDeviceToken, saveDeviceToken } from "../../src/devices/device-auth-store.ts";
import { addToAllowlist } from "../../src/node-host/allowlist.ts";
import { runNodeHost, type NodeHostOptions } from "../../src/node-host/host.ts";
import { VERSION } from "../../src/version.ts";
import { startFakeGateway, type FakeConnection, type FakeGateway } from "./fake-gateway.ts";

let stateDir: string;
let gw: FakeGateway;
let controller: AbortController;
let running: Promise<void> | undefined;

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), "mayros-node-host-"));
  controller = new AbortController();
  running = undefined;
});
afterEach(async () => {
  controller.abort();
  await running;
  await gw?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** `onConnected` reports of the node host, and waiters for the n-th one. */
let reports: Array<{ nodeId: string; reconnect: boolean }>;
let reportWaiters: Array<() => void>;
beforeEach(() => { reports = []; reportWaiters = []; });

/** Resolves once the node host has reported `n` successful connects. */
function connectedReports(n: number): Promise<typeof reports> {
  return new Promise((resolve) => {
    const check = () => { if (reports.length >= n) resolve(reports); else reportWaiters.push(check); };
    check();
  });
}

/** Starts the node host against the fake gateway (fast backoff so reconnect tests stay quick). */
function start(over: Partial<NodeHostOptions> = {}): void {
  running = runNodeHost({
    url: gw.url, token: "shared-token", displayName: "test-node", stateDir, signal: controller.signal,
    backoff: { initialMs: 10, maxMs: 50 },
    onConnected: ({ nodeId, reconnect }) => {
      reports.push({ nodeId, reconnect });
      for (const w of reportWaiters.splice(0)) w();
    },
    ...over,
  });
}

const connected = (index: number) => () => {
  const c = gw.connections[index];
  return c?.helloSent ? c : undefined;
};

/** Sends a node.invoke.request and resolves with the node.invoke.result params the node sends back. */
async function invoke(conn: FakeConnection, id: string, command: string, params?: unknown): Promise<Record<string, unknown>> {
  gw.sendEvent(conn, "node.invoke.request", {
    id, nodeId: "node-1", command, ...(params !== undefined && { paramsJSON: JSON.stringify(params) }), timeoutMs: 10_000,
  });
  const req = await gw.until(() => conn.requests.find((r) => (r.params as { id?: string }).id === id));
  expect(req.method).toBe("node.invoke.result");
  return req.params as Record<string, unknown>;
}

describe("runNodeHost", () => {
  it("should connect as a node with a signed device proof the gateway can verify", async () => {
    gw = startFakeGateway();
    start();
    const conn = await gw.until(connected(0));
    const identity = loadOrCreateIdentity(stateDir);
    expect(conn.schemaError).toBeNull();
    expect(conn.proofError).toBeNull();
    expect(conn.params).toMatchObject({
      minProtocol: 3, maxProtocol: 4, role: "node", scopes: [],
      client: { id: "node-host", mode: "node", platform: process.platform, version: VERSION, displayName: "test-node" },
      caps: ["system"], commands: ["system.run", "system.which", "system.notify"],
      auth: { token: "shared-token" },
      device: { id: identity.deviceId, publicKey: identity.publicKey, nonce: conn.nonce, signedAt: conn.ts },
    });
  });

  it("should run system.run for a node.invoke.request and answer with node.invoke.result", async () => {
    gw = startFakeGateway();
    addToAllowlist(stateDir, Bun.which("echo")!);
    start();
    const conn = await gw.until(connected(0));
    const result = await invoke(conn, "inv-1", "system.run", { argv: ["echo", "hi", "there"] });
    expect(result).toMatchObject({ id: "inv-1", nodeId: "node-1", ok: true });
    expect(result.error).toBeUndefined();
    expect(JSON.parse(result.payloadJSON as string)).toMatchObject({ exitCode: 0, stdout: "hi there\n", stderr: "", truncated: false, timedOut: false });
  });

  it("should answer a refused command with ok false and its error code", async () => {
    gw = startFakeGateway();
    start();
    const conn = await gw.until(connected(0));
    const sh = Bun.which("sh")!;
    expect(await invoke(conn, "inv-2", "system.run", { argv: ["sh", "-c", "id"] })).toEqual({
      id: "inv-2", nodeId: "node-1", ok: false,
      error: { code: "EXEC_NOT_ALLOWED", message: `command not allowed on this node: ${sh} (run "mayros node allow ${sh}" on the node host)` },
    });
    expect(await invoke(conn, "inv-3", "screen.record")).toMatchObject({ ok: false, error: { code: "UNKNOWN_COMMAND" } });
    expect(JSON.parse((await invoke(conn, "inv-4", "system.which", { name: "sh" })).payloadJSON as string)).toEqual({ name: "sh", path: sh });
  });

  it("should persist the device token from hello-ok and use it when no token is given", async () => {
    gw = startFakeGateway({ decide: () => ({ kind: "hello", deviceToken: "device-token-1" }) });
    start();
    await connectedReports(1);
    const identity = loadOrCreateIdentity(stateDir);
    expect(loadDeviceToken(stateDir, identity.deviceId, "node")).toMatchObject({ token: "device-token-1", role: "node", scopes: [] });
    controller.abort();
    await running;

    controller = new AbortController();
    start({ token: undefined });
    const second = await gw.until(connected(1));
    expect(second.params?.auth).toEqual({ token: "device-token-1", deviceToken: "device-token-1" });
    expect(second.proofError).toBeNull();
  });

  it("should prefer an explicit token over the stored device token", async () => {
    gw = startFakeGateway();
    const identity = loadOrCreateIdentity(stateDir);
    saveDeviceToken(stateDir, { deviceId: identity.deviceId, role: "node", token: "stored" });
    start({ token: "explicit" });
    expect((await gw.until(connected(0))).params?.auth).toEqual({ token: "explicit" });
  });

  it("should clear a stored device token the gateway refuses as mismatched, then retry without it", async () => {
    gw = startFakeGateway({
      decide: (conn) => conn.params?.auth?.token === "stale"
        ? { kind: "error", error: { code: "INVALID_REQUEST", message: "unauthorized: device token mismatch", details: { code: "AUTH_DEVICE_TOKEN_MISMATCH" } }, close: [1008, "unauthorized: device token mismatch"] }
        : { kind: "hello" },
    });
    const identity = loadOrCreateIdentity(stateDir);
    saveDeviceToken(stateDir, { deviceId: identity.deviceId, role: "node", token: "stale" });
    start({ token: undefined });
    const retry = await gw.until(connected(1));
    expect(gw.connections[0]!.params?.auth?.token).toBe("stale");
    expect(retry.params?.auth).toEqual({});
    expect(loadDeviceToken(stateDir, identity.deviceId, "node")).toBeUndefined();
  });

  it("should reconnect after the gateway closes the connection", async () => {
    gw = startFakeGateway();
    start();
    const first = await gw.until(connected(0));
    first.ws.close(1012, "service restart");
    await gw.until(connected(1));
    const identity = loadOrCreateIdentity(stateDir);
    expect(await connectedReports(2)).toEqual([{ nodeId: identity.deviceId, reconnect: false }, { nodeId: identity.deviceId, reconnect: true }]);
  });

  it("should answer INVALID_PARAMS for paramsJSON that is not JSON", async () => {
    gw = startFakeGateway();
    start();
    const conn = await gw.until(connected(0));
    gw.sendEvent(conn, "node.invoke.request", { id: "bad-1", nodeId: "node-1", command: "system.which", paramsJSON: "{nope" });
    const req = await gw.until(() => conn.requests.find((r) => r.method === "node.invoke.result"));
    expect(req.params).toEqual({ id: "bad-1", nodeId: "node-1", ok: false, error: { code: "INVALID_PARAMS", message: "paramsJSON is not valid JSON" } });
  });

  it("should close a connection that stops ticking with 4000 tick timeout and reconnect", async () => {
    gw = startFakeGateway({ tickIntervalMs: 50 });
    start();
    const first = await gw.until(connected(0));
    gw.sendEvent(first, "tick", { ts: Date.now() });
    expect(await gw.until(() => first.closed)).toEqual({ code: 4000, reason: "tick timeout" });
    await gw.until(connected(1));
  });

  it("should not watch keepalive on a connection that never got a tick", async () => {
    gw = startFakeGateway({ tickIntervalMs: 20 });
    addToAllowlist(stateDir, Bun.which("sleep")!);
    start();
    const conn = await gw.until(connected(0));
    // A command that outlasts several tick intervals: the connection must survive it.
    const result = await invoke(conn, "slow-1", "system.run", { argv: ["sleep", "0.2"] });
    expect(result.ok).toBe(true);
    expect(conn.closed).toBeUndefined();
    expect(gw.connections.length).toBe(1);
  });

  it("should keep retrying while the gateway refuses, and stop when aborted", async () => {
    gw = startFakeGateway({
      decide: () => ({ kind: "error", error: { code: "NOT_PAIRED", message: "pairing required", details: { requestId: "req-1" } }, close: [1008, "pairing required"] }),
    });
    const warnings: string[] = [];
    const log = { debug() {}, info() {}, warn: (m: string) => { warnings.push(m); }, error() {} };
    start({ log });
    await gw.until(() => (gw.connections.length >= 3 ? true : undefined));
    expect(warnings).toContain("pairing required: approve this device on the gateway");
    controller.abort();
    await running;
  });

  it("should close the connection and resolve when the signal aborts", async () => {
    gw = startFakeGateway();
    start();
    const conn = await gw.until(connected(0));
    controller.abort();
    await running;
    const closed = await gw.until(() => conn.closed);
    expect(closed.code).toBe(1000);
    expect(gw.connections.length).toBe(1);
  });
});
