/**
 * @module Hashing, random tokens and constant-time comparison on Bun's native primitives.
 * The gateway avoids `node:crypto` on its start-up path: initialising it costs about 7 MiB of RSS.
 */

/** SHA-256 of a string (UTF-8) or bytes. */
export function sha256(data: string | Uint8Array): Buffer {
  return Buffer.from(new Bun.CryptoHasher("sha256").update(data).digest().buffer);
}

/** SHA-256 as lowercase hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return new Bun.CryptoHasher("sha256").update(data).digest("hex");
}

/** `bytes` cryptographically random bytes. */
export function randomBytes(bytes: number): Buffer {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes)).buffer);
}

/** A random token of `bytes` bytes, base64url without padding. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/**
 * Compares two byte strings in time that depends only on their length (false when lengths differ:
 * callers compare fixed-length digests, so the length is no secret).
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/**
 * Compares two secrets in time independent of where they differ (and of their lengths): their SHA-256 digests are
 * compared in constant time. Every shared secret (gateway token, hooks and webhook secrets) goes through here.
 */
export function safeEqual(a: string, b: string): boolean {
  return constantTimeEqual(sha256(a), sha256(b));
}
