/**
 * @module Builds a self-signed X.509 v3 certificate (RFC 5280) for an ECDSA P-256 key with node:crypto only:
 * DER-encodes the TBSCertificate, signs it with ecdsa-with-SHA256 and wraps both in PEM.
 */
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { isIP } from "node:net";
import {
  bitString, boolean, explicit, implicit, octetString, oid, sequence, set, smallInteger, time, unsignedInteger, utf8String,
} from "./der.ts";
import { derToPem } from "./fingerprint.ts";

/** What to put in the certificate. */
export interface CertificateSpec {
  /** Subject and issuer common name. */
  commonName: string;
  /** Host names and IP literals for subjectAltName (IPs become iPAddress entries, the rest dNSName). */
  hosts: readonly string[];
  /** Validity in days from one hour before now. */
  days: number;
  /** Defaults to the current time; for tests. */
  now?: Date;
}

/** A freshly made certificate and its private key, both PEM. */
export interface GeneratedCertificate {
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
}

const OID = {
  ecdsaWithSha256: "1.2.840.10045.4.3.2",
  commonName: "2.5.4.3",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  serverAuth: "1.3.6.1.5.5.7.3.1",
} as const;

/** The 4 or 16 network-order bytes of an IP literal (brackets allowed for IPv6), or null for a host name. */
export function ipBytes(host: string): Uint8Array | null {
  const h = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const family = isIP(h);
  if (family === 4) return Uint8Array.from(h.split(".").map(Number));
  if (family !== 6) return null;
  let text = h;
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) { // IPv4-suffixed form, e.g. ::ffff:10.0.0.1
    tail = v4[1]!.split(".").map(Number);
    text = text.slice(0, -v4[1]!.length) + "0:0";
  }
  const [head = "", rest] = text.split("::");
  const words = (s: string) => (s === "" ? [] : s.split(":").map((w) => parseInt(w, 16)));
  const left = words(head);
  const right = rest === undefined ? [] : words(rest);
  const all = [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = all.flatMap((w) => [w >> 8, w & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return Uint8Array.from(bytes);
}

const algorithm = sequence(oid(OID.ecdsaWithSha256)); // parameters absent (RFC 5758 §3.2)
const name = (cn: string) => sequence(set(sequence(oid(OID.commonName), utf8String(cn))));
const extension = (id: string, critical: boolean, value: Uint8Array) =>
  sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));

/**
 * GeneralNames for subjectAltName: dNSName is `[2] IA5String`, iPAddress is `[7] OCTET STRING`.
 * Null when there are none (RFC 5280 forbids an empty subjectAltName).
 */
function altNames(hosts: readonly string[]): Uint8Array | null {
  const seen = new Set<string>();
  const names: Uint8Array[] = [];
  for (const raw of hosts) {
    const host = raw.trim().toLowerCase();
    if (!host || seen.has(host)) continue;
    seen.add(host);
    const ip = ipBytes(host);
    if (ip) names.push(implicit(7, ip));
    else if (/^[a-z0-9*_.-]+$/.test(host)) names.push(implicit(2, new TextEncoder().encode(host)));
    else throw new Error(`not a host name or IP address for the certificate: ${JSON.stringify(raw)}`);
  }
  return names.length ? sequence(...names) : null;
}

/**
 * Makes a new P-256 key pair and a self-signed server certificate for it: version 3, random positive 128-bit
 * serial, subject = issuer = `CN=<commonName>`, basicConstraints CA:FALSE (critical), keyUsage
 * digitalSignature (critical), extKeyUsage serverAuth, and subjectAltName for every host.
 */
export function createSelfSignedCertificate(spec: CertificateSpec): GeneratedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const now = spec.now ?? new Date();
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 3_600_000); // tolerate small clock skew
  const notAfter = new Date(notBefore.getTime() + spec.days * 86_400_000);
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x40; // positive, 16 significant bytes, never zero
  const sans = altNames(spec.hosts);
  const tbs = sequence(
    explicit(0, smallInteger(2)), // v3
    unsignedInteger(serial),
    algorithm,
    name(spec.commonName),
    sequence(time(notBefore), time(notAfter)),
    name(spec.commonName),
    new Uint8Array(publicKey.export({ type: "spki", format: "der" })),
    explicit(3, sequence(
      extension(OID.basicConstraints, true, sequence()),
      extension(OID.keyUsage, true, bitString(Uint8Array.of(0x80), 7)), // digitalSignature (bit 0)
      extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
      ...(sans ? [extension(OID.subjectAltName, false, sans)] : []),
    )),
  );
  const signature = sign("sha256", tbs, privateKey); // DER Ecdsa-Sig-Value (node's default dsaEncoding)
  const der = sequence(tbs, algorithm, bitString(new Uint8Array(signature)));
  return {
    certPem: derToPem(der),
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  };
}
