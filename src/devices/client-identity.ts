/**
 * @module The client side of device identity (protocol.md §2.3): the persisted Ed25519 key pair at
 * `<stateDir>/identity/device.json` and the signed `device` block a client sends with `connect`.
 * Payload strings and ids come from `identity.ts`, so client and gateway can never disagree on them.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ClientInfo, DeviceProof } from "../protocol/index.ts";
import { deviceIdOf, rawPublicKey, signedPayload } from "./identity.ts";

/** A loaded device identity. */
export interface DeviceIdentity {
  /** Lowercase hex SHA-256 of the raw public key. */
  deviceId: string;
  /** The raw 32-byte Ed25519 public key, base64url without padding (as sent on the wire). */
  publicKey: string;
  /** The Ed25519 private key. */
  privateKey: KeyObject;
}

/** The file `<stateDir>/identity/device.json`. */
export interface StoredIdentity {
  version: 1;
  deviceId: string;
  publicKeyPem: string;
  privateKeyPem: string;
  createdAtMs: number;
}

/** The directory holding identity files (mode 0700). */
export function identityDir(stateDir: string): string {
  return join(stateDir, "identity");
}

/** Path of the identity file. */
export function identityPath(stateDir: string): string {
  return join(identityDir(stateDir), "device.json");
}

/**
 * Loads the device identity of `stateDir`, creating it on first use. A stored `deviceId` that does
 * not match the key is re-derived and the file repaired; an unreadable or malformed file is replaced
 * by a new identity (as the reference client does: a key that cannot be read cannot sign either).
 * @throws Error when the state directory cannot be written.
 */
export function loadOrCreateIdentity(stateDir: string): DeviceIdentity {
  const path = identityPath(stateDir);
  const stored = existsSync(path) ? readStored(path) : null;
  if (stored) {
    const identity = fromPem(stored.publicKeyPem, stored.privateKeyPem);
    if (identity) {
      if (identity.deviceId !== stored.deviceId) writeStored(stateDir, { ...stored, deviceId: identity.deviceId });
      return identity;
    }
  }
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const publicKeyPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const privateKeyPem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const identity = fromPem(publicKeyPem, privateKeyPem)!;
  writeStored(stateDir, { version: 1, deviceId: identity.deviceId, publicKeyPem, privateKeyPem, createdAtMs: Date.now() });
  return identity;
}

/** What a device proof signs besides the identity. */
export interface ProofFields {
  client: Pick<ClientInfo, "id" | "mode" | "platform" | "deviceFamily">;
  role: string;
  /** The scopes exactly as sent (order matters). */
  scopes: readonly string[];
  /** The token the gateway will check the signature against (`signedToken(auth)`); "" when none. */
  token: string;
  /** The nonce of the `connect.challenge`. */
  nonce: string;
  /** Milliseconds since the epoch; the challenge `ts` when there is one. */
  signedAt: number;
  /** Payload version. @default 3 */
  version?: 2 | 3;
}

/**
 * Signs a connect's `device` block.
 * @example signDeviceProof(identity, { client, role: "node", scopes: [], token: "", nonce, signedAt: challenge.ts })
 */
export function signDeviceProof(identity: DeviceIdentity, { client, role, scopes, token, nonce, signedAt, version = 3 }: ProofFields): DeviceProof {
  const payload = signedPayload(version, { deviceId: identity.deviceId, client, role, scopes, signedAt, token, nonce });
  const signature = sign(null, Buffer.from(payload, "utf8"), identity.privateKey).toString("base64url");
  return { id: identity.deviceId, publicKey: identity.publicKey, signature, signedAt, nonce };
}

function readStored(path: string): StoredIdentity | null {
  try {
    const data = JSON.parse(readFileSync(path, "utf8")) as Partial<StoredIdentity>;
    if (data?.version !== 1 || typeof data.publicKeyPem !== "string" || typeof data.privateKeyPem !== "string") return null;
    return {
      version: 1,
      deviceId: typeof data.deviceId === "string" ? data.deviceId : "",
      publicKeyPem: data.publicKeyPem,
      privateKeyPem: data.privateKeyPem,
      createdAtMs: typeof data.createdAtMs === "number" ? data.createdAtMs : Date.now(),
    };
  } catch {
    return null;
  }
}

/** The identity of a PEM key pair, or null when the keys are not a matching Ed25519 pair. */
function fromPem(publicKeyPem: string, privateKeyPem: string): DeviceIdentity | null {
  try {
    const privateKey = createPrivateKey(privateKeyPem);
    if (privateKey.asymmetricKeyType !== "ed25519") return null;
    const derivedPem = createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString();
    const raw = rawPublicKey(derivedPem);
    if (!raw || !raw.equals(rawPublicKey(publicKeyPem) ?? Buffer.alloc(0))) return null;
    return { deviceId: deviceIdOf(raw), publicKey: raw.toString("base64url"), privateKey };
  } catch {
    return null;
  }
}

function writeStored(stateDir: string, stored: StoredIdentity): void {
  writePrivateJson(identityPath(stateDir), stored);
}

/**
 * Writes `value` as JSON to `path` atomically (temp file + rename), the file mode 0600 and its
 * directory 0700.
 */
export function writePrivateJson(path: string, value: unknown): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
