import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayCallError, GatewayClient, type CloseInfo } from "../../src/cli/client.ts";
import { loadOrCreateIdentity } from "../../src/devices/client-identity.ts";
import { loadDeviceToken, saveDeviceToken } from "../../src/devices/device-auth-store.ts";
import { CLI_DEFAULT_SCOPES, type EventFrame } from "../../src/protocol/index.ts";
import { startFakeGateway, type FakeGateway } from "./fake-gateway.ts";

let stateDir: string;
let gw: FakeGateway;
beforeEach(() => { stateDir = mkdtempSync(join(tmpdir(), "mayros-gw-client-")); });
afterEach(async () => {
  await gw?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("GatewayClient.connect", () => {
  it("should keep the old behaviour without an identity: operator, CLI scopes, no device block", async () => {
    gw = startFakeGateway();
    const client = await GatewayClient.connect({ url: gw.url, token: "t" });
    const conn = gw.connections[0]!;
    expect(conn.schemaError).toBeNull();
    expect(conn.params).toMatchObject({ role: "operator", scopes: CLI_DEFAULT_SCOPES, client: { id: "cli", mode: "cli" }, auth: { token: "t" } });
    expect(conn.params?.device).toBeUndefined();
    expect(client.hello.type).toBe("hello-ok");
    client.close();
    await client.closed;
  });

  it("should sign the challenge with the identity, using its ts as signedAt", async () => {
    gw = startFakeGateway();
    const identity = loadOrCreateIdentity(stateDir);
    const client = await GatewayClient.connect({ url: gw.url, password: "pw", identity, scopes: ["operator.read"], client: { displayName: "me" } });
    const conn = gw.connections[0]!;
    expect(conn.proofError).toBeNull();
    expect(conn.params).toMatchObject({ role: "operator", scopes: ["operator.read"], auth: { password: "pw" }, client: { id: "cli", displayName: "me" } });
    expect(conn.params?.device).toMatchObject({ id: identity.deviceId, nonce: conn.nonce, signedAt: conn.ts });
    client.close();
  });

  it("should deliver events after hello-ok to onEvent and report the close to onClose", async () => {
    gw = startFakeGateway();
    const events: EventFrame[] = [];
    let closeInfo: CloseInfo | undefined;
    const client = await GatewayClient.connect({ url: gw.url, onEvent: (f) => events.push(f), onClose: (i) => { closeInfo = i; } });
    const conn = gw.connections[0]!;
    gw.sendEvent(conn, "tick", { ts: 1 });
    conn.ws.close(1012, "restart");
    const closed = await client.closed;
    expect(closed).toEqual({ code: 1012, reason: "restart" });
    expect(closeInfo).toEqual(closed);
    expect(events.map((e) => e.event)).toEqual(["tick"]);
    expect(client.isOpen).toBe(false);
  });

  it("should clear the stored device token when the gateway closes 1008 with device token mismatch", async () => {
    gw = startFakeGateway({ decide: () => ({ kind: "close", close: [1008, "device token mismatch"] }) });
    const identity = loadOrCreateIdentity(stateDir);
    saveDeviceToken(stateDir, { deviceId: identity.deviceId, role: "operator", token: "old" });
    const err = await GatewayClient.connect({ url: gw.url, identity, stateDir }).catch((e: Error) => e);
    expect((err as Error).message).toContain("device token mismatch");
    expect(gw.connections[0]!.params?.auth).toEqual({ token: "old", deviceToken: "old" });
    expect(loadDeviceToken(stateDir, identity.deviceId, "operator")).toBeUndefined();
  });

  it("should keep the stored token when the gateway refuses for another reason", async () => {
    gw = startFakeGateway({
      decide: () => ({ kind: "error", error: { code: "NOT_PAIRED", message: "pairing required" }, close: [1008, "pairing required"] }),
    });
    const identity = loadOrCreateIdentity(stateDir);
    saveDeviceToken(stateDir, { deviceId: identity.deviceId, role: "operator", token: "keep" });
    const err = await GatewayClient.connect({ url: gw.url, identity, stateDir }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(GatewayCallError);
    expect((err as GatewayCallError).error.code).toBe("NOT_PAIRED");
    expect(loadDeviceToken(stateDir, identity.deviceId, "operator")?.token).toBe("keep");
  });

  it("should not store a device token without a state dir", async () => {
    gw = startFakeGateway({ decide: () => ({ kind: "hello", deviceToken: "dt" }) });
    const identity = loadOrCreateIdentity(stateDir);
    const client = await GatewayClient.connect({ url: gw.url, identity });
    expect(loadDeviceToken(stateDir, identity.deviceId, "operator")).toBeUndefined();
    client.close();
  });
});
