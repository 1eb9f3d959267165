/**
 * @module The gateway's auto-generated self-signed certificate: created once under `<stateDir>/tls/`,
 * reused on later starts, and replaced only once it has expired.
 */
import { X509Certificate, createPrivateKey } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fingerprintOf } from "./fingerprint.ts";

/** Subject and issuer CN of generated certificates. */
export const SELF_SIGNED_COMMON_NAME = "mayros-gateway";
/** Default validity: 825 days, the longest that Apple platforms accept for a TLS server certificate. */
export const SELF_SIGNED_DEFAULT_DAYS = 825;
/** Names always in the subjectAltName, besides the caller's hosts. */
export const LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "::1"];

/** Options of {@link ensureSelfSignedCert}; they only matter when a certificate is created. */
export interface SelfSignedOptions {
  /** Extra host names or IP addresses for the subjectAltName (e.g. the LAN or tailnet address). */
  hosts?: string[];
  /** Validity in days. @default 825 */
  days?: number;
}

/** The certificate and key in use, with the fingerprint to show users for `--tls-fingerprint`. */
export interface SelfSignedCert {
  certPath: string;
  keyPath: string;
  certPem: string;
  keyPem: string;
  /** `AB:CD:…` SHA-256 fingerprint of the certificate (see {@link fingerprintOf}). */
  fingerprint256: string;
  /** When the certificate stops being valid. */
  validTo: Date;
  /** True when this call wrote new files (first start, or the old certificate had expired). */
  created: boolean;
}

const RENEW_MARGIN_MS = 86_400_000;
/** Listen-on-everything addresses, which make no sense as certificate names (callers may pass the bind host). */
const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]", ""]);

/** Writes `data` to `path` via a temporary file and rename, so readers never see a partial file. */
function writeAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    writeFileSync(tmp, data, { mode, flag: "wx" });
    chmodSync(tmp, mode); // the umask may have removed bits; never added any
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Reads and checks an existing pair; null when it has expired (or is about to) and should be replaced. */
function loadExisting(certPath: string, keyPath: string): Omit<SelfSignedCert, "created"> | null {
  const certPem = readFileSync(certPath, "utf8");
  const keyPem = readFileSync(keyPath, "utf8");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) throw new Error("the key does not belong to the certificate");
  } catch (err) {
    throw new Error(
      `unusable TLS files ${certPath} / ${keyPath}: ${(err as Error).message}; delete both to have a new certificate generated`,
    );
  }
  const validTo = new Date(cert.validTo);
  if (!(validTo.getTime() - Date.now() > RENEW_MARGIN_MS)) return null;
  if (process.platform !== "win32" && (statSync(keyPath).mode & 0o077) !== 0) chmodSync(keyPath, 0o600);
  return { certPath, keyPath, certPem, keyPem, fingerprint256: fingerprintOf(certPem), validTo };
}

/**
 * Returns the gateway's self-signed certificate, creating `<dir>/tls/gateway-cert.pem` and `gateway-key.pem`
 * (mode 0600, directory 0700) the first time. Later calls reuse the files unchanged, so the fingerprint stays
 * stable for pinned clients; a certificate is replaced only when it has expired or expires within a day.
 *
 * The certificate is ECDSA P-256 / SHA-256, CN `mayros-gateway`, with subjectAltNames for localhost,
 * 127.0.0.1, ::1 and `opts.hosts`. The generator is imported lazily, so nothing is loaded while TLS is off.
 *
 * @param dir the state directory.
 * @throws {Error} when existing files cannot be parsed or do not match (they are never overwritten then), or on I/O errors.
 */
export async function ensureSelfSignedCert(dir: string, opts: SelfSignedOptions = {}): Promise<SelfSignedCert> {
  const tlsDir = join(dir, "tls");
  const certPath = join(tlsDir, "gateway-cert.pem");
  const keyPath = join(tlsDir, "gateway-key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) {
    const existing = loadExisting(certPath, keyPath);
    if (existing) return { ...existing, created: false };
  }
  const { createSelfSignedCertificate } = await import("./certificate.ts");
  const days = opts.days ?? SELF_SIGNED_DEFAULT_DAYS;
  if (!(Number.isInteger(days) && days > 0)) throw new Error(`invalid certificate validity: ${days} days`);
  const { certPem, keyPem } = createSelfSignedCertificate({
    commonName: SELF_SIGNED_COMMON_NAME,
    hosts: [...LOOPBACK_HOSTS, ...(opts.hosts ?? []).filter((h) => !WILDCARD_HOSTS.has(h.trim()))],
    days,
  });
  mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
  writeAtomic(keyPath, keyPem, 0o600); // key first: a certificate never exists without its key
  writeAtomic(certPath, certPem, 0o644);
  const validTo = new Date(new X509Certificate(certPem).validTo);
  return { certPath, keyPath, certPem, keyPem, fingerprint256: fingerprintOf(certPem), validTo, created: true };
}
