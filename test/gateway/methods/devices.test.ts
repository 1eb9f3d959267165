/** @module Unit tests of the device pairing handlers (`device.pair.*`, `device.token.*`). */
import { beforeEach, describe, expect, it } from "bun:test";
import { devicesMethods as table } from "../../../src/gateway/methods/devices.ts";
import { CloseCode } from "../../../src/protocol/index.ts";
import { Harness } from "./harness.ts";

let h: Harness;

beforeEach(() => {
  h = new Harness();
});

/** A pending request of a fresh device. */
function pendingRequest(deviceId = "dev-1", role = "operator", scopes = ["operator.read", "operator.write"]) {
  return h.services.pairing.request({
    deviceId, publicKey: `key-${deviceId}`, displayName: "Laptop", platform: "linux", clientId: "mayros-cli", clientMode: "cli",
    role, scopes, remoteIp: "10.0.0.2", silent: false, isRepair: false,
  }).request;
}

describe("device.pair.list", () => {
  it("should list nothing on a fresh gateway", async () => {
    expect(await h.call(table, "device.pair.list")).toEqual({ pending: [], paired: [] });
  });

  it("should list pending requests and paired devices with token summaries, never the token", async () => {
    const pending = pendingRequest("dev-2");
    h.pairDevice("dev-1", { scopes: ["operator.read"] });
    const { token } = h.services.pairing.ensureToken("dev-1", "operator", ["operator.read"])!;
    const result = await h.call(table, "device.pair.list");
    expect(result.pending).toEqual([pending]);
    expect(result.paired).toHaveLength(1);
    expect(result.paired[0]).toMatchObject({
      deviceId: "dev-1", roles: ["operator"], scopes: ["operator.read"], approvedScopes: ["operator.read"],
      tokens: [{ role: "operator", scopes: ["operator.read"], createdAtMs: h.now }],
    });
    expect(JSON.stringify(result)).not.toContain(token);
  });
});

describe("device.pair.approve", () => {
  it("should pair the device, announce it, and return the record", async () => {
    const request = pendingRequest();
    const result = await h.call(table, "device.pair.approve", { requestId: request.requestId });
    expect(result.requestId).toBe(request.requestId);
    expect(result.device).toMatchObject({ deviceId: "dev-1", roles: ["operator"], approvedScopes: ["operator.read", "operator.write"], tokens: [] });
    expect(h.sent("device.pair.resolved")).toEqual([{ requestId: request.requestId, deviceId: "dev-1", decision: "approved", ts: expect.any(Number) }]);
    expect(h.services.pairing.listPending()).toEqual([]);
  });

  it("should refuse an unknown request", async () => {
    const err = await h.error(table, "device.pair.approve", { requestId: "nope" });
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe("unknown requestId: nope");
    expect(h.broadcasts).toEqual([]);
  });
});

describe("device.pair.reject", () => {
  it("should drop the request and announce the rejection", async () => {
    const request = pendingRequest();
    expect(await h.call(table, "device.pair.reject", { requestId: request.requestId })).toEqual({ requestId: request.requestId, deviceId: "dev-1" });
    expect(h.sent("device.pair.resolved")).toEqual([{ requestId: request.requestId, deviceId: "dev-1", decision: "rejected", ts: expect.any(Number) }]);
    expect(h.services.pairing.listPending()).toEqual([]);
    expect(h.services.pairing.getDevice("dev-1")).toBeUndefined();
    expect((await h.error(table, "device.pair.reject", { requestId: request.requestId })).message).toBe(`unknown requestId: ${request.requestId}`);
  });
});

describe("device.pair.remove", () => {
  it("should unpair the device, close its connections with 4001 and revoke its canvas capabilities", async () => {
    h.pairDevice("dev-1");
    h.pairDevice("dev-2");
    const mine = [h.connect({ deviceId: "dev-1" }), h.connect({ deviceId: "dev-1", role: "node", scopes: new Set() })];
    const other = h.connect({ deviceId: "dev-2" });
    const caller = h.connect();
    const cap = h.services.canvas.capabilities.mint("dev-1");
    const keep = h.services.canvas.capabilities.mint("dev-2");
    expect(await h.call(table, "device.pair.remove", { deviceId: "dev-1" }, caller)).toEqual({ deviceId: "dev-1", removed: true });
    for (const conn of mine) expect(conn.closed).toEqual({ code: CloseCode.CLIENT_INVALIDATED, reason: "client invalidated: device removed" });
    expect(CloseCode.CLIENT_INVALIDATED).toBe(4001);
    expect(other.closed).toBeNull();
    expect(caller.closed).toBeNull();
    expect(h.services.canvas.capabilities.verify(cap)).toBeNull();
    expect(h.services.canvas.capabilities.verify(keep)).toBe("dev-2");
    expect(h.services.pairing.getDevice("dev-1")).toBeUndefined();
  });

  it("should refuse an unknown device", async () => {
    const err = await h.error(table, "device.pair.remove", { deviceId: "ghost" });
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe("unknown deviceId: ghost");
  });
});

describe("device.token.rotate", () => {
  beforeEach(() => {
    h.pairDevice("dev-1", { scopes: ["operator.read", "operator.write"] });
  });

  it("should return a new token that replaces the old one", async () => {
    const old = h.services.pairing.ensureToken("dev-1", "operator", ["operator.read"])!;
    h.now += 1000;
    const result = await h.call(table, "device.token.rotate", { deviceId: "dev-1", role: "operator", scopes: ["operator.write"] });
    expect(result).toEqual({ deviceId: "dev-1", role: "operator", token: expect.any(String), scopes: ["operator.write"], rotatedAtMs: h.now });
    expect(result.token).not.toBe(old.token);
    expect(h.services.pairing.verifyToken("dev-1", "operator", old.token, [])).toBeUndefined();
    expect(h.services.pairing.verifyToken("dev-1", "operator", result.token, ["operator.write"])).toBeDefined();
  });

  it("should mint a first token when the device had none, with the approved scopes by default", async () => {
    const result = await h.call(table, "device.token.rotate", { deviceId: "dev-1", role: "operator" });
    expect(result).toMatchObject({ scopes: ["operator.read", "operator.write"], rotatedAtMs: h.now });
  });

  it("should refuse scopes beyond the device's approved scopes", async () => {
    const err = await h.error(table, "device.token.rotate", { deviceId: "dev-1", role: "operator", scopes: ["operator.read", "operator.admin"] });
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe("scopes not approved for device dev-1: operator.admin");
    expect(h.services.pairing.listTokens("dev-1")).toEqual([]);
  });

  it("should refuse a role the device is not paired for, and an unknown device", async () => {
    expect((await h.error(table, "device.token.rotate", { deviceId: "dev-1", role: "node" })).message).toBe("device dev-1 is not paired for role: node");
    expect((await h.error(table, "device.token.rotate", { deviceId: "ghost", role: "operator" })).message).toBe("unknown deviceId: ghost");
  });
});

describe("device.token.revoke", () => {
  it("should revoke the token and close only the sockets of that device and role that used a device token", async () => {
    h.pairDevice("dev-1");
    const { token } = h.services.pairing.ensureToken("dev-1", "operator", [])!;
    const viaToken = h.connect({ deviceId: "dev-1", authMethod: "device-token" });
    const viaShared = h.connect({ deviceId: "dev-1", authMethod: "token" });
    const asNode = h.connect({ deviceId: "dev-1", role: "node", scopes: new Set(), authMethod: "device-token" });
    const other = h.connect({ deviceId: "dev-2", authMethod: "device-token" });
    h.now += 500;
    expect(await h.call(table, "device.token.revoke", { deviceId: "dev-1", role: "operator" })).toEqual({ deviceId: "dev-1", role: "operator", revokedAtMs: h.now });
    expect(viaToken.closed).toEqual({ code: 4001, reason: "client invalidated: device token revoked" });
    for (const conn of [viaShared, asNode, other]) expect(conn.closed).toBeNull();
    expect(h.services.pairing.verifyToken("dev-1", "operator", token, [])).toBeUndefined();
  });

  it("should refuse when there is no active token", async () => {
    h.pairDevice("dev-1");
    const err = await h.error(table, "device.token.revoke", { deviceId: "dev-1", role: "operator" });
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe("no active operator token for device: dev-1");
  });
});
