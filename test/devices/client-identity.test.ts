import { afterAll, afterEach, describe, expect, it } from "bun:test";
import { createPublicKey, verify as cryptoVerify } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { identityPath, loadOrCreateIdentity, signDeviceProof, type ProofFields } from "../../src/devices/client-identity.ts";
import { clearDeviceToken, deviceAuthPath, loadDeviceToken, saveDeviceToken } from "../../src/devices/device-auth-store.ts";
import { deviceIdOf, rawPublicKey, signedPayload, verifyDeviceProof } from "../../src/devices/identity.ts";
import { GatewayError, type ClientInfo } from "../../src/protocol/index.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mayros-identity-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;
const client: ClientInfo = { id: "node-host", mode: "node", platform: "Linux", version: "1.0.0", deviceFamily: " Desktop " };

/** Verifies with the gateway's own code; returns the DEVICE_AUTH_* code of a failure, or "ok". */
async function verify(proof: ReturnType<typeof signDeviceProof>, ctx: { role: string; scopes: string[]; token?: string; nonce: string }): Promise<string> {
  try {
    await verifyDeviceProof({ device: proof, client, role: ctx.role, scopes: ctx.scopes, auth: ctx.token === undefined ? undefined : { token: ctx.token }, nonce: ctx.nonce });
    return "ok";
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return ((err as GatewayError).options.details as { code: string }).code;
  }
}

describe("loadOrCreateIdentity", () => {
  it("should create the identity once with mode 0600 in a 0700 directory and reload it identically", () => {
    const stateDir = tempDir();
    const first = loadOrCreateIdentity(stateDir);
    const path = identityPath(stateDir);
    expect(mode(path)).toBe(0o600);
    expect(mode(join(stateDir, "identity"))).toBe(0o700);
    const stored = JSON.parse(readFileSync(path, "utf8"));
    expect(stored).toMatchObject({ version: 1, deviceId: first.deviceId });
    expect(stored.publicKeyPem).toContain("BEGIN PUBLIC KEY");
    expect(stored.privateKeyPem).toContain("BEGIN PRIVATE KEY");
    expect(typeof stored.createdAtMs).toBe("number");

    const again = loadOrCreateIdentity(stateDir);
    expect(again.deviceId).toBe(first.deviceId);
    expect(again.publicKey).toBe(first.publicKey);
    expect(readFileSync(path, "utf8")).toBe(JSON.stringify(stored, null, 2) + "\n");
  });

  it("should use the wire form: a base64url raw key whose sha256 is the device id", () => {
    const identity = loadOrCreateIdentity(tempDir());
    expect(identity.publicKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const raw = rawPublicKey(identity.publicKey)!;
    expect(raw.length).toBe(32);
    expect(identity.deviceId).toBe(deviceIdOf(raw));
    expect(identity.deviceId).toMatch(/^[0-9a-f]{64}$/);
  });

  it("should re-derive and repair a stored deviceId that does not match the key", () => {
    const stateDir = tempDir();
    const original = loadOrCreateIdentity(stateDir);
    const path = identityPath(stateDir);
    const stored = JSON.parse(readFileSync(path, "utf8"));
    writeFileSync(path, JSON.stringify({ ...stored, deviceId: "0".repeat(64) }));
    const repaired = loadOrCreateIdentity(stateDir);
    expect(repaired.deviceId).toBe(original.deviceId);
    const after = JSON.parse(readFileSync(path, "utf8"));
    expect(after.deviceId).toBe(original.deviceId);
    expect(after.privateKeyPem).toBe(stored.privateKeyPem);
    expect(after.createdAtMs).toBe(stored.createdAtMs);
    expect(mode(path)).toBe(0o600);
  });

  it("should replace an unreadable identity file with a new identity", () => {
    const stateDir = tempDir();
    const original = loadOrCreateIdentity(stateDir);
    writeFileSync(identityPath(stateDir), "not json");
    const fresh = loadOrCreateIdentity(stateDir);
    expect(fresh.deviceId).not.toBe(original.deviceId);
    expect(loadOrCreateIdentity(stateDir).deviceId).toBe(fresh.deviceId);
  });
});

describe("signDeviceProof", () => {
  const identityDir = mkdtempSync(join(tmpdir(), "mayros-identity-"));
  const identity = loadOrCreateIdentity(identityDir);
  afterAll(() => rmSync(identityDir, { recursive: true, force: true }));
  const fields = (over: Partial<ProofFields> = {}): ProofFields => ({
    client, role: "node", scopes: ["a", "b"], token: "tok", nonce: "n-1", signedAt: Date.now(), ...over,
  });
  const ctx = { role: "node", scopes: ["a", "b"], token: "tok", nonce: "n-1" };

  it("should produce a v3 proof (the default) that verifyDeviceProof accepts", async () => {
    const proof = signDeviceProof(identity, fields());
    expect(proof).toMatchObject({ id: identity.deviceId, publicKey: identity.publicKey, nonce: "n-1" });
    expect(proof.signature).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await verify(proof, ctx)).toBe("ok");
  });

  it("should produce a v2 proof that verifyDeviceProof accepts", async () => {
    const f = fields({ version: 2 });
    const proof = signDeviceProof(identity, f);
    expect(await verify(proof, ctx)).toBe("ok");
    const key = createPublicKey({ key: Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), rawPublicKey(identity.publicKey)!]), format: "der", type: "spki" });
    const payload = (v: 2 | 3) => Buffer.from(signedPayload(v, { ...f, deviceId: identity.deviceId }));
    const signature = Buffer.from(proof.signature, "base64url");
    expect(cryptoVerify(null, payload(2), key, signature)).toBe(true);
    expect(cryptoVerify(null, payload(3), key, signature)).toBe(false);
  });

  it("should sign an empty token when none is sent", async () => {
    expect(await verify(signDeviceProof(identity, fields({ token: "" })), { ...ctx, token: undefined })).toBe("ok");
  });

  it("should fail with DEVICE_AUTH_NONCE_MISMATCH for another connection's nonce", async () => {
    expect(await verify(signDeviceProof(identity, fields({ nonce: "n-2" })), ctx)).toBe("DEVICE_AUTH_NONCE_MISMATCH");
  });

  it("should fail with DEVICE_AUTH_SIGNATURE_INVALID when role, scopes or token differ from what was signed", async () => {
    const proof = signDeviceProof(identity, fields());
    expect(await verify(proof, { ...ctx, role: "operator" })).toBe("DEVICE_AUTH_SIGNATURE_INVALID");
    expect(await verify(proof, { ...ctx, scopes: ["b", "a"] })).toBe("DEVICE_AUTH_SIGNATURE_INVALID");
    expect(await verify(proof, { ...ctx, token: "other" })).toBe("DEVICE_AUTH_SIGNATURE_INVALID");
  });

  it("should fail with DEVICE_AUTH_SIGNATURE_EXPIRED for a stale signedAt", async () => {
    expect(await verify(signDeviceProof(identity, fields({ signedAt: Date.now() - 10 * 60_000 })), ctx)).toBe("DEVICE_AUTH_SIGNATURE_EXPIRED");
  });

  it("should fail with DEVICE_AUTH_DEVICE_ID_MISMATCH when the id is not the key's", async () => {
    const other = loadOrCreateIdentity(tempDir());
    const proof = { ...signDeviceProof(identity, fields()), id: other.deviceId };
    expect(await verify(proof, ctx)).toBe("DEVICE_AUTH_DEVICE_ID_MISMATCH");
  });
});

describe("device-auth-store", () => {
  it("should save, load and clear a token per device and role in a 0600 file", () => {
    const stateDir = tempDir();
    expect(loadDeviceToken(stateDir, "dev-1", "node")).toBeUndefined();
    const saved = saveDeviceToken(stateDir, { deviceId: "dev-1", role: "node", token: "t-node", scopes: [] }, 1000);
    saveDeviceToken(stateDir, { deviceId: "dev-1", role: "operator", token: "t-op", scopes: ["operator.read"] }, 2000);
    expect(saved).toEqual({ token: "t-node", role: "node", scopes: [], updatedAtMs: 1000 });
    expect(mode(deviceAuthPath(stateDir))).toBe(0o600);
    expect(JSON.parse(readFileSync(deviceAuthPath(stateDir), "utf8"))).toEqual({
      version: 1,
      deviceId: "dev-1",
      tokens: {
        node: { token: "t-node", role: "node", scopes: [], updatedAtMs: 1000 },
        operator: { token: "t-op", role: "operator", scopes: ["operator.read"], updatedAtMs: 2000 },
      },
    });
    expect(loadDeviceToken(stateDir, "dev-1", "operator")?.token).toBe("t-op");
    expect(loadDeviceToken(stateDir, "dev-2", "operator")).toBeUndefined();

    expect(clearDeviceToken(stateDir, "dev-1", "node")).toBe(true);
    expect(clearDeviceToken(stateDir, "dev-1", "node")).toBe(false);
    expect(loadDeviceToken(stateDir, "dev-1", "node")).toBeUndefined();
    expect(loadDeviceToken(stateDir, "dev-1", "operator")?.token).toBe("t-op");
  });

  it("should drop another device's tokens when a new device id saves", () => {
    const stateDir = tempDir();
    saveDeviceToken(stateDir, { deviceId: "old", role: "node", token: "t-old" });
    saveDeviceToken(stateDir, { deviceId: "new", role: "operator", token: "t-new" });
    expect(loadDeviceToken(stateDir, "old", "node")).toBeUndefined();
    expect(loadDeviceToken(stateDir, "new", "node")).toBeUndefined();
    expect(loadDeviceToken(stateDir, "new", "operator")?.token).toBe("t-new");
  });

  it("should treat an unreadable token file as empty", () => {
    const stateDir = tempDir();
    saveDeviceToken(stateDir, { deviceId: "dev", role: "node", token: "t" });
    writeFileSync(deviceAuthPath(stateDir), "{oops");
    expect(loadDeviceToken(stateDir, "dev", "node")).toBeUndefined();
    saveDeviceToken(stateDir, { deviceId: "dev", role: "node", token: "t2" });
    expect(loadDeviceToken(stateDir, "dev", "node")?.token).toBe("t2");
  });
});
