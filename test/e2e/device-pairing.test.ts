/** The remote pairing flow (autoApproveLocal: false), token rotate/revoke, scope upgrades, event guards, restart. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.ts";
import { startGateway } from "../../src/gateway/gateway.ts";
import { runCli } from "../cli/spawn.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { deviceConnect, newIdentity } from "../helpers/devices.ts";
import { TestSocket } from "../helpers/ws-client.ts";

let gw: TestGateway;
let admin: TestSocket;
let reader: TestSocket;
beforeAll(async () => {
  gw = await startTestGateway({ gateway: { pairing: { autoApproveLocal: false } } });
  // Local device-less operators keep their scopes: one may pair, one may only read.
  admin = (await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.pairing", "operator.read"] })).sock;
  reader = (await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.read"] })).sock;
});
afterAll(async () => { await gw.stop(); });

describe("remote device pairing", () => {
  it("should hold an unknown device, let the CLI approve it, then issue and honour its device token", async () => {
    const identity = newIdentity();
    const requested = admin.nextEvent("device.pair.requested");
    const first = await deviceConnect(gw.url, { identity, token: gw.token, scopes: ["operator.read"] });
    expect(first.res.error.code).toBe("NOT_PAIRED");
    expect(first.res.error.message).toBe("pairing required");
    const details = first.res.error.details;
    expect(details).toMatchObject({ code: "PAIRING_REQUIRED", reason: "not-paired", deviceId: identity.deviceId, requestedRole: "operator", requestedScopes: ["operator.read"] });
    expect(await first.sock.closed).toEqual({ code: 1008, reason: `pairing required (requestId: ${details.requestId})` });
    const event = await requested;
    expect(event.payload).toMatchObject({ requestId: details.requestId, deviceId: identity.deviceId });

    const approved = await runCli(["devices", "approve", details.requestId, "--url", gw.url, "--token", gw.token, "--json"], { stateDir: gw.stateDir });
    expect(approved.code).toBe(0);

    const second = await deviceConnect(gw.url, { identity, token: gw.token, scopes: ["operator.read"] });
    expect(second.res.ok).toBe(true);
    const deviceToken = second.res.payload.auth.deviceToken as string;
    expect(deviceToken.length).toBeGreaterThan(40);
    await second.sock.close();

    const third = await deviceConnect(gw.url, { identity, token: deviceToken, scopes: ["operator.read"] });
    expect(third.res.payload.auth.method).toBe("device-token");
    await third.sock.close();
  });

  it("should require re-pairing for broader scopes", async () => {
    const identity = newIdentity();
    const held = await deviceConnect(gw.url, { identity, token: gw.token, scopes: ["operator.read"] });
    await admin.request("device.pair.approve", { requestId: held.res.error.details.requestId });
    const upgrade = await deviceConnect(gw.url, { identity, token: gw.token, scopes: ["operator.read", "operator.admin"] });
    expect(upgrade.res.error.details).toMatchObject({ reason: "scope-upgrade", approvedScopes: ["operator.read"] });
  });

  it("should rotate and revoke device tokens", async () => {
    const identity = newIdentity();
    const held = await deviceConnect(gw.url, { identity, token: gw.token, scopes: ["operator.read"] });
    await admin.request("device.pair.approve", { requestId: held.res.error.details.requestId });
    const paired = await deviceConnect(gw.url, { identity, token: gw.token, scopes: ["operator.read"] });
    const original = paired.res.payload.auth.deviceToken as string;
    await paired.sock.close();

    const rotated = await admin.request("device.token.rotate", { deviceId: identity.deviceId, role: "operator" });
    const fresh = rotated.payload.token as string;
    expect(fresh).not.toBe(original);
    const old = await deviceConnect(gw.url, { identity, deviceToken: original, scopes: ["operator.read"] });
    expect(old.res.error.details.code).toBe("AUTH_DEVICE_TOKEN_MISMATCH");
    const withFresh = await deviceConnect(gw.url, { identity, deviceToken: fresh, scopes: ["operator.read"] });
    expect(withFresh.res.ok).toBe(true);

    const closed = withFresh.sock.closed;
    await admin.request("device.token.revoke", { deviceId: identity.deviceId, role: "operator" });
    expect((await closed).code).toBe(4001);
    const revoked = await deviceConnect(gw.url, { identity, deviceToken: fresh, scopes: ["operator.read"] });
    expect(revoked.res.error.details.code).toBe("AUTH_DEVICE_TOKEN_MISMATCH");
  });

  it("should not deliver pairing events to an operator without operator.pairing", async () => {
    const identity = newIdentity();
    const seen = admin.nextEvent("device.pair.requested");
    await deviceConnect(gw.url, { identity, token: gw.token, scopes: ["operator.read"] });
    await seen;
    // Both sockets get the same later tick; the reader must not have the pairing event before it.
    await Promise.all([admin.request("health"), reader.request("health")]);
    expect(reader.received.some((f) => f.event === "device.pair.requested")).toBe(false);
  });
});

describe("pairing state across a restart", () => {
  it("should keep paired devices and their tokens, stored only as hashes", async () => {
    const local = await startTestGateway();
    const identity = newIdentity();
    const first = await deviceConnect(local.url, { identity, token: local.token, scopes: ["operator.read"] });
    const deviceToken = first.res.payload.auth.deviceToken as string;
    await first.sock.close();
    await local.gateway.stop("restart");

    const raw = new Database(join(local.stateDir, "state.db"), { readonly: true });
    const dump = JSON.stringify(raw.query("SELECT * FROM device_tokens").all()) + JSON.stringify(raw.query("SELECT * FROM devices").all());
    raw.close();
    expect(dump).toContain(identity.deviceId);
    expect(dump).not.toContain(deviceToken);

    const loaded = loadConfig({ env: { MAYROS_STATE_DIR: local.stateDir }, flags: { token: local.token } });
    loaded.config.gateway.port = 0;
    const again = await startGateway({ loaded, logToStderr: false });
    const back = await deviceConnect(again.url, { identity, token: deviceToken, scopes: ["operator.read"] });
    expect(back.res.payload.auth.method).toBe("device-token");
    await back.sock.close();
    await again.stop("done");
    await local.stop();
  });
});

describe("remote connects through a trusted proxy", () => {
  it("should give a remote device-less operator only health and status, and hold a remote device for pairing", async () => {
    const proxied = await startTestGateway({ gateway: { trustedProxies: ["127.0.0.1"] } });
    const headers = { "x-forwarded-for": "203.0.113.7" };
    const { sock, res } = await TestSocket.handshake(proxied.url, { token: proxied.token, scopes: ["operator.admin"], headers });
    expect(res.payload.auth.scopes).toEqual([]);
    expect((await sock.request("status")).ok).toBe(true);
    const refused = await sock.request("config.get");
    expect(refused.error.details.code).toBe("DEVICE_IDENTITY_REQUIRED");
    await sock.close();
    const device = await deviceConnect(proxied.url, { identity: newIdentity(), token: proxied.token, headers });
    expect(device.res.error.code).toBe("NOT_PAIRED");
    await proxied.stop();
  });
});
