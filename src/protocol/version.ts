/** @module Protocol versions this gateway speaks and how a connection's version is chosen. */

/** Oldest wire protocol version we accept (Mayros clients). */
export const MIN_PROTOCOL_VERSION = 3;
/** Newest wire protocol version we speak (current OpenClaw clients). */
export const MAX_PROTOCOL_VERSION = 4;
/** The newest version, as advertised in mismatch details. */
export const PROTOCOL_VERSION = MAX_PROTOCOL_VERSION;
/** Oldest version a probe may use (advertised in v4 mismatch details). */
export const MIN_PROBE_PROTOCOL_VERSION = 3;

/** A protocol version this gateway can speak on a connection. */
export type ProtocolVersion = 3 | 4;

/**
 * Picks the highest version both sides speak.
 * @returns the negotiated version, or `null` when `[min, max]` does not overlap `[3, 4]`.
 */
export function negotiateProtocol(min: number, max: number): ProtocolVersion | null {
  if (min > max) return null;
  const chosen = Math.min(max, MAX_PROTOCOL_VERSION);
  if (chosen < MIN_PROTOCOL_VERSION || chosen < min) return null;
  return chosen as ProtocolVersion;
}
