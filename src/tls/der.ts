/**
 * @module The few ASN.1 DER encoders an X.509 certificate needs (ITU-T X.690 §8, §10).
 * Every function returns one complete, definite-length TLV; nothing here decodes.
 */

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The definite length octets: short form below 128, else 0x80|n followed by n big-endian bytes (X.690 §8.1.3). */
function length(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** A TLV with the given identifier octet (tag number < 31, so one octet) and content. */
export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concat(content);
  return concat([Uint8Array.of(tag), length(body.length), body]);
}

/** SEQUENCE (constructed, tag 0x30). */
export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(0x30, ...items);

/** SET (constructed, tag 0x31). Callers pass one element, so no DER sorting is needed. */
export const set = (...items: Uint8Array[]): Uint8Array => tlv(0x31, ...items);

/** EXPLICIT context-specific tag `[n]` around an encoded value (constructed, 0xa0 | n). */
export const explicit = (n: number, value: Uint8Array): Uint8Array => tlv(0xa0 | n, value);

/** IMPLICIT context-specific primitive tag `[n]` with raw content (0x80 | n), as in GeneralName. */
export const implicit = (n: number, content: Uint8Array): Uint8Array => tlv(0x80 | n, content);

/** OCTET STRING. */
export const octetString = (content: Uint8Array): Uint8Array => tlv(0x04, content);

/** BIT STRING with `unusedBits` unused trailing bits in the last octet (0 for whole-octet data). */
export const bitString = (content: Uint8Array, unusedBits = 0): Uint8Array => tlv(0x03, Uint8Array.of(unusedBits), content);

/** BOOLEAN; DER requires 0xff for TRUE. */
export const boolean = (value: boolean): Uint8Array => tlv(0x01, Uint8Array.of(value ? 0xff : 0x00));

/** UTF8String. */
export const utf8String = (s: string): Uint8Array => tlv(0x0c, new TextEncoder().encode(s));

/**
 * A non-negative INTEGER from its big-endian magnitude, in minimal two's complement:
 * redundant leading zeros are dropped and one 0x00 is prepended when the top bit is set.
 */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const bytes = magnitude.subarray(start);
  const pad = bytes.length === 0 || (bytes[0]! & 0x80) !== 0;
  return tlv(0x02, pad ? Uint8Array.of(0) : new Uint8Array(0), bytes);
}

/** A small non-negative INTEGER. */
export const smallInteger = (n: number): Uint8Array => unsignedInteger(Uint8Array.of(n));

/** OBJECT IDENTIFIER from dotted form: first octet 40·a + b, then base-128 arcs (X.690 §8.19). */
export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0)) throw new Error(`invalid OID: ${dotted}`);
  const out: number[] = [];
  const push = (value: number) => {
    const groups = [value & 0x7f];
    for (let v = Math.floor(value / 128); v > 0; v = Math.floor(v / 128)) groups.unshift(0x80 | (v & 0x7f));
    out.push(...groups);
  };
  push(arcs[0]! * 40 + arcs[1]!);
  for (const arc of arcs.slice(2)) push(arc);
  return tlv(0x06, Uint8Array.from(out));
}

/**
 * An X.509 `Time` (RFC 5280 §4.1.2.5): UTCTime `YYMMDDHHMMSSZ` for years 1950–2049,
 * GeneralizedTime `YYYYMMDDHHMMSSZ` otherwise; seconds precision, always UTC.
 */
export function time(date: Date): Uint8Array {
  const iso = date.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-:T]/g, "") + "Z"; // YYYYMMDDHHMMSSZ
  const year = date.getUTCFullYear();
  const utc = year >= 1950 && year < 2050;
  return tlv(utc ? 0x17 : 0x18, new TextEncoder().encode(utc ? digits.slice(2) : digits));
}
