/**
 * @module Ed25519 device identity proofs (protocol.md §2.3, protocol-v4.md §4): canonical public
 * keys, device ids, the signed payload strings, and verification of a connect's `device` block.
 */
import { sha256Hex } from "../crypto/primitives.ts";
import { GatewayError, type ClientInfo, type ConnectAuth, type DeviceProof } from "../protocol/index.ts";
import { signedPayload, signedToken, type SignedFields } from "./signed-payload.ts";

export { signedPayload, signedToken, type SignedFields } from "./signed-payload.ts";

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
/** Largest accepted distance between `signedAt` and the gateway clock. */
export const MAX_SIGNATURE_SKEW_MS = 120_000;

/** The failure codes of a device proof, each with its message and `details.reason`. */
export const DEVICE_AUTH_FAILURES = {
  DEVICE_AUTH_PUBLIC_KEY_INVALID: ["device public key invalid", "device-public-key"],
  DEVICE_AUTH_DEVICE_ID_MISMATCH: ["device identity mismatch", "device-id-mismatch"],
  DEVICE_AUTH_SIGNATURE_EXPIRED: ["device signature expired", "device-signature-stale"],
  DEVICE_AUTH_NONCE_REQUIRED: ["device nonce required", "device-nonce-missing"],
  DEVICE_AUTH_NONCE_MISMATCH: ["device nonce mismatch", "device-nonce-mismatch"],
  DEVICE_AUTH_SIGNATURE_INVALID: ["device signature invalid", "device-signature"],
} as const;
/** One of the device proof failure codes. */
export type DeviceAuthFailure = keyof typeof DEVICE_AUTH_FAILURES;

/** The wire error of a device proof failure (`INVALID_REQUEST`, details `{code, reason}`). */
export function deviceAuthError(code: DeviceAuthFailure): GatewayError {
  const [message, reason] = DEVICE_AUTH_FAILURES[code];
  return new GatewayError("INVALID_REQUEST", message, { details: { code, reason } });
}

/**
 * Decodes a public key given as raw base64url/base64 (32 bytes) or as a PEM SPKI.
 * @returns the raw 32-byte key, or null when it is not an Ed25519 key.
 */
export function rawPublicKey(publicKey: string): Buffer | null {
  const pem = publicKey.match(/-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/);
  if (pem) {
    const der = Buffer.from(pem[1]!.replace(/\s+/g, ""), "base64");
    return der.length === 44 && der.subarray(0, 12).equals(ED25519_SPKI_PREFIX) ? der.subarray(12) : null;
  }
  const raw = Buffer.from(publicKey.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  return raw.length === 32 ? raw : null;
}

/** Device id = lowercase hex SHA-256 of the raw public key. */
export function deviceIdOf(raw: Uint8Array): string {
  return sha256Hex(raw);
}

/** What {@link verifyDeviceProof} checks against. */
export interface ProofContext {
  device: DeviceProof;
  client: ClientInfo;
  role: string;
  scopes: readonly string[];
  auth: ConnectAuth | undefined;
  /** The nonce of this connection's challenge. */
  nonce: string;
  now?: number;
}

/**
 * Verifies a connect's device block: key, id, freshness, nonce, then the v3 or v2 signature
 * (WebCrypto Ed25519, so start-up never pays for node:crypto).
 * @returns the verified device id and raw public key.
 * @throws {GatewayError} `INVALID_REQUEST` with the `DEVICE_AUTH_*` details code of the first failure.
 */
export async function verifyDeviceProof({ device, client, role, scopes, auth, nonce, now = Date.now() }: ProofContext): Promise<{ deviceId: string; publicKey: Buffer }> {
  const raw = rawPublicKey(device.publicKey);
  if (!raw) throw deviceAuthError("DEVICE_AUTH_PUBLIC_KEY_INVALID");
  const deviceId = deviceIdOf(raw);
  if (deviceId !== device.id.toLowerCase()) throw deviceAuthError("DEVICE_AUTH_DEVICE_ID_MISMATCH");
  if (Math.abs(now - device.signedAt) > MAX_SIGNATURE_SKEW_MS) throw deviceAuthError("DEVICE_AUTH_SIGNATURE_EXPIRED");
  if (!device.nonce) throw deviceAuthError("DEVICE_AUTH_NONCE_REQUIRED");
  if (device.nonce !== nonce) throw deviceAuthError("DEVICE_AUTH_NONCE_MISMATCH");
  const signature = new Uint8Array(Buffer.from(device.signature.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
  const fields: SignedFields = { deviceId, client, role, scopes, signedAt: device.signedAt, token: signedToken(auth), nonce: device.nonce };
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey("raw", new Uint8Array(raw), { name: "Ed25519" }, false, ["verify"]);
  } catch {
    throw deviceAuthError("DEVICE_AUTH_PUBLIC_KEY_INVALID");
  }
  for (const version of [3, 2] as const) {
    const payload = new TextEncoder().encode(signedPayload(version, fields));
    if (await crypto.subtle.verify("Ed25519", key, signature, payload).catch(() => false)) return { deviceId, publicKey: raw };
  }
  throw deviceAuthError("DEVICE_AUTH_SIGNATURE_INVALID");
}
