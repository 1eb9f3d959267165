/** Device identity proofs in the connect pipeline: v2/v3 signatures, every proof failure, local silent pairing. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { sign } from "node:crypto";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { deviceConnect, newIdentity } from "../helpers/devices.ts";
import { TestSocket } from "../helpers/ws-client.ts";

let gw: TestGateway;
beforeAll(async () => { gw = await startTestGateway(); });
afterAll(async () => { await gw.stop(); });

async function expectProofFailure(res: Record<string, any>, sock: TestSocket, code: string, message: string): Promise<void> {
  expect(res.ok).toBe(false);
  expect(res.error).toMatchObject({ code: "INVALID_REQUEST", message });
  expect(res.error.details.code).toBe(code);
  expect(await sock.closed).toEqual({ code: 1008, reason: message });
}

describe("device proof", () => {
  for (const version of [2, 3] as const) {
    it(`should accept a v${version}-signed connect and pair it silently over loopback`, async () => {
      const identity = newIdentity();
      const { sock, res } = await deviceConnect(gw.url, { identity, token: gw.token, version, scopes: ["operator.read"] });
      expect(res.ok).toBe(true);
      expect(res.payload.auth.method).toBe("token");
      expect(res.payload.auth.deviceToken).toBeString();
      const paired = gw.gateway.services.pairing.getDevice(identity.deviceId);
      expect(paired?.approvedScopes).toEqual(["operator.read"]);
      await sock.close();
    });
  }

  it("should refuse a device id that is not the hash of its key", async () => {
    const { sock, res } = await deviceConnect(gw.url, { identity: newIdentity(), token: gw.token, tamper: (p) => { p.device.id = "0".repeat(64); } });
    await expectProofFailure(res, sock, "DEVICE_AUTH_DEVICE_ID_MISMATCH", "device identity mismatch");
  });

  it("should refuse a stale signedAt", async () => {
    const { sock, res } = await deviceConnect(gw.url, { identity: newIdentity(), token: gw.token, signedAt: Date.now() - 5 * 60_000 });
    await expectProofFailure(res, sock, "DEVICE_AUTH_SIGNATURE_EXPIRED", "device signature expired");
  });

  it("should refuse a nonce that is not this connection's challenge", async () => {
    const { sock, res } = await deviceConnect(gw.url, { identity: newIdentity(), token: gw.token, tamper: (p) => { p.device.nonce = crypto.randomUUID(); } });
    await expectProofFailure(res, sock, "DEVICE_AUTH_NONCE_MISMATCH", "device nonce mismatch");
  });

  it("should refuse a proof without a nonce", async () => {
    const { sock, res } = await deviceConnect(gw.url, { identity: newIdentity(), token: gw.token, tamper: (p) => { delete p.device.nonce; } });
    await expectProofFailure(res, sock, "DEVICE_AUTH_NONCE_REQUIRED", "device nonce required");
  });

  it("should refuse a signature over other fields", async () => {
    const { sock, res } = await deviceConnect(gw.url, { identity: newIdentity(), token: gw.token, tamper: (p) => { p.scopes = ["operator.admin", "operator.pairing"]; } });
    await expectProofFailure(res, sock, "DEVICE_AUTH_SIGNATURE_INVALID", "device signature invalid");
  });

  it("should refuse a public key that is not Ed25519", async () => {
    const { sock, res } = await deviceConnect(gw.url, { identity: newIdentity(), token: gw.token, tamper: (p) => { p.device.publicKey = "AAAA"; } });
    await expectProofFailure(res, sock, "DEVICE_AUTH_PUBLIC_KEY_INVALID", "device public key invalid");
  });

  it("should refuse a legacy v1 payload (no nonce inside the signature)", async () => {
    const identity = newIdentity();
    const { sock, res } = await deviceConnect(gw.url, {
      identity, token: gw.token,
      tamper: (p) => {
        const v1 = ["v1", identity.deviceId, p.client.id, p.client.mode, p.role, p.scopes.join(","), p.device.signedAt, gw.token].join("|");
        p.device.signature = sign(null, Buffer.from(v1), identity.privateKey).toString("base64url");
      },
    });
    await expectProofFailure(res, sock, "DEVICE_AUTH_SIGNATURE_INVALID", "device signature invalid");
  });

  it("should let a paired device connect with only its device token, and refuse a wrong one", async () => {
    const identity = newIdentity();
    const first = await deviceConnect(gw.url, { identity, token: gw.token, scopes: ["operator.read"] });
    const deviceToken = first.res.payload.auth.deviceToken as string;
    await first.sock.close();
    const again = await deviceConnect(gw.url, { identity, token: deviceToken, scopes: ["operator.read"] });
    expect(again.res.ok).toBe(true);
    expect(again.res.payload.auth).toMatchObject({ method: "device-token", scopes: ["operator.read"] });
    expect(again.res.payload.auth.deviceToken).toBeUndefined();
    await again.sock.close();
    const wrong = await deviceConnect(gw.url, { identity, deviceToken: "not-the-token", scopes: ["operator.read"] });
    expect(wrong.res.error.details.code).toBe("AUTH_DEVICE_TOKEN_MISMATCH");
    expect((await wrong.sock.closed).code).toBe(1008);
  });

  it("should refuse a node without a device identity", async () => {
    const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, role: "node", client: { id: "node-host", mode: "node" } });
    expect(res.error).toMatchObject({ code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } });
    expect((await sock.closed).code).toBe(1008);
  });
});
