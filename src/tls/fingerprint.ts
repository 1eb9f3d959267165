/**
 * @module SHA-256 certificate fingerprints in the `AB:CD:…` form that `openssl x509 -fingerprint -sha256`
 * and node's `X509Certificate.fingerprint256` print, plus lenient parsing and comparison of user input.
 */
import { createHash, timingSafeEqual } from "node:crypto";

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/;

/**
 * The DER bytes of the first `CERTIFICATE` block in a PEM string.
 * @throws {Error} when there is no such block.
 */
export function pemToDer(certPem: string): Uint8Array {
  const body = PEM_BLOCK.exec(certPem)?.[1];
  if (body === undefined) throw new Error("not a PEM certificate (no BEGIN CERTIFICATE block)");
  return new Uint8Array(Buffer.from(body.replace(/\s+/g, ""), "base64"));
}

/** Wraps DER certificate bytes in a `CERTIFICATE` PEM block with 64-column base64 lines. */
export function derToPem(der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  return `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
}

/** Formats bytes as uppercase hex pairs joined by ":". */
function colonHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex").toUpperCase().match(/../g)!.join(":");
}

/** The SHA-256 fingerprint of DER certificate bytes, as `AB:CD:…` (32 pairs). */
export function fingerprintOfDer(der: Uint8Array): string {
  return colonHex(createHash("sha256").update(der).digest());
}

/**
 * The SHA-256 fingerprint of a PEM certificate (of its first certificate if it holds a chain):
 * uppercase hex pairs joined by ":", e.g. `5F:8E:…:52`, equal to `X509Certificate.fingerprint256`.
 * @throws {Error} when `certPem` holds no certificate.
 */
export function fingerprintOf(certPem: string): string {
  return fingerprintOfDer(pemToDer(certPem));
}

/**
 * Parses a user-supplied SHA-256 fingerprint into the canonical `AB:CD:…` form. Accepts any case, with or
 * without ":" separators (spaces and "-" are also tolerated), and an optional `sha256:`/`sha256/`/`SHA256=` prefix.
 * @throws {Error} when it is not 32 bytes of hex.
 */
export function normalizeFingerprint(s: string): string {
  const hex = s.trim().replace(/^sha-?256\s*[:/=]\s*/i, "").replace(/[\s:-]/g, "");
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw new Error(`invalid SHA-256 fingerprint ${JSON.stringify(s)}: expected 64 hex digits, optionally as colon-separated pairs`);
  }
  return hex.toUpperCase().match(/../g)!.join(":");
}

/** Whether a string parses as a SHA-256 fingerprint (see {@link normalizeFingerprint}). */
export function isFingerprint(s: string): boolean {
  try {
    normalizeFingerprint(s);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether two fingerprints name the same certificate, ignoring format differences; false (not a throw) when either
 * is malformed. Compares in constant time, not that fingerprints are secret.
 */
export function fingerprintsEqual(a: string, b: string): boolean {
  let na: string;
  let nb: string;
  try {
    na = normalizeFingerprint(a);
    nb = normalizeFingerprint(b);
  } catch {
    return false;
  }
  return timingSafeEqual(Buffer.from(na), Buffer.from(nb));
}
