/** The browser's WebCrypto device proof is the one the gateway verifies: id derivation and the v3 signature over the challenge. */
import { describe, expect, it } from "bun:test";
import { deviceIdOf as serverDeviceId, rawPublicKey, verifyDeviceProof } from "../../src/devices/identity.ts";
import { generateDeviceKeys, signDeviceProof } from "../../assets/ui/lib/device-proof.ts";

const client = { id: "webchat-ui", version: "web", platform: "Web", mode: "webchat" as const, displayName: "Mayros WebChat" };

describe("browser device proof", () => {
  it("should derive the device id the gateway derives and sign a proof it accepts", async () => {
    const keys = await generateDeviceKeys();
    const raw = rawPublicKey(keys.publicKey)!;
    expect(raw.length).toBe(32);
    expect(keys.deviceId).toBe(serverDeviceId(raw));
    const scopes = ["operator.read", "operator.write"];
    const signedAt = Date.now();
    const device = await signDeviceProof(keys, { client, role: "operator", scopes, signedAt, token: "tok", nonce: "n-1" });
    const verified = await verifyDeviceProof({ device, client, role: "operator", scopes, auth: { token: "tok" }, nonce: "n-1" });
    expect(verified.deviceId).toBe(keys.deviceId);
  });

  it("should be refused for another nonce, other scopes or another token", async () => {
    const keys = await generateDeviceKeys();
    const device = await signDeviceProof(keys, { client, role: "operator", scopes: ["operator.read"], signedAt: Date.now(), token: "", nonce: "n-1" });
    const check = (over: Partial<Parameters<typeof verifyDeviceProof>[0]>) =>
      verifyDeviceProof({ device, client, role: "operator", scopes: ["operator.read"], auth: undefined, nonce: "n-1", ...over });
    await expect(check({ nonce: "n-2" })).rejects.toThrow("device nonce mismatch");
    await expect(check({ device: { ...device, nonce: "n-2" }, nonce: "n-2" })).rejects.toThrow("device signature invalid");
    await expect(check({ scopes: ["operator.admin"] })).rejects.toThrow("device signature invalid");
    await expect(check({ auth: { deviceToken: "t" } })).rejects.toThrow("device signature invalid");
  });
});
