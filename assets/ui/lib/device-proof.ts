/**
 * @module The browser's device proof, with WebCrypto only (no DOM, so Bun tests run it too): the
 * device id is the hex SHA-256 of the raw Ed25519 public key, and the signed string is the one
 * the gateway rebuilds (`src/devices/signed-payload.ts`, payload version 3).
 */
import { signedPayload, type SignedFields } from "../../../src/devices/signed-payload.ts";

/** A device identity whose private key stays inside WebCrypto. */
export interface DeviceKeys {
  /** Lowercase hex SHA-256 of the raw public key. */
  deviceId: string;
  /** Raw 32-byte public key, base64url without padding (as sent on the wire). */
  publicKey: string;
  privateKey: CryptoKey;
}

/** The `device` block of `connect`. */
export interface DeviceProof {
  id: string;
  publicKey: string;
  signature: string;
  signedAt: number;
  nonce: string;
}

/** Base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Device id of a raw public key: lowercase hex SHA-256. */
export async function deviceIdOf(rawPublicKey: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", rawPublicKey));
  return [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Generates a new Ed25519 identity. The private key is not extractable; the public key is.
 * @throws {Error} when the browser has no WebCrypto Ed25519 (or the page is not a secure context).
 */
export async function generateDeviceKeys(): Promise<DeviceKeys> {
  if (!globalThis.crypto?.subtle) throw new Error("this page is not a secure context: open it over HTTPS or from localhost");
  const pair = (await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const raw = new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey));
  return { deviceId: await deviceIdOf(raw), publicKey: base64url(raw), privateKey: pair.privateKey };
}

/** What the proof signs besides the identity. */
export type ProofFields = Omit<SignedFields, "deviceId">;

/** Signs a connect's `device` block (payload v3 over the challenge nonce). */
export async function signDeviceProof(keys: DeviceKeys, fields: ProofFields): Promise<DeviceProof> {
  const payload = new TextEncoder().encode(signedPayload(3, { ...fields, deviceId: keys.deviceId }));
  const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", keys.privateKey, payload));
  return { id: keys.deviceId, publicKey: keys.publicKey, signature: base64url(signature), signedAt: fields.signedAt, nonce: fields.nonce };
}
