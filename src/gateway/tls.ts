/** @module The gateway's TLS certificate: configured PEM files, or a self-signed one created once in the state dir. */
import { readFileSync } from "node:fs";
import type { MayrosConfig } from "../config/index.ts";

/** A certificate to serve, with its SHA-256 fingerprint for clients to pin. */
export interface ServerTls {
  cert: string;
  key: string;
  fingerprint256: string;
}

/**
 * Loads the certificate `gateway.tls` asks for.
 * @returns undefined when TLS is off.
 * @throws {Error} naming the config keys when TLS is on but no certificate can be had.
 */
export async function resolveServerTls(tls: MayrosConfig["gateway"]["tls"], stateDir: string, bindHost: string): Promise<ServerTls | undefined> {
  if (!tls.enabled) return undefined;
  // Loaded only when TLS is on: certificate code needs node:crypto, which start-up otherwise avoids.
  const { ensureSelfSignedCert, fingerprintOf } = await import("../tls/index.ts");
  if (tls.certPath || tls.keyPath) {
    if (!tls.certPath || !tls.keyPath) throw new Error("gateway.tls: set both certPath and keyPath (or neither, with autoGenerate)");
    const cert = readFileSync(tls.certPath, "utf8");
    return { cert, key: readFileSync(tls.keyPath, "utf8"), fingerprint256: fingerprintOf(cert) };
  }
  if (!tls.autoGenerate) throw new Error("gateway.tls.enabled needs certPath and keyPath, or autoGenerate: true");
  const pair = await ensureSelfSignedCert(stateDir, { hosts: [bindHost] });
  return { cert: pair.certPem, key: pair.keyPem, fingerprint256: pair.fingerprint256 };
}
