/**
 * @module Connecting the CLI to a `wss://` gateway with certificate pinning (`--tls-fingerprint`).
 *
 * Bun 1.4.5's WebSocket client ignores what `tls.checkServerIdentity` returns when `rejectUnauthorized` is
 * false, and it does not expose the peer certificate. So pinning takes two steps:
 * 1. {@link checkTlsPin} opens a throw-away `node:tls` connection that accepts any certificate, reads the
 *    server's certificate and compares its SHA-256 fingerprint with the pin.
 * 2. {@link webSocketOptions} then trusts exactly that certificate as the only CA (`tls.ca`, verification on)
 *    and replaces the hostname check with a fingerprint check, so the WebSocket connection itself verifies the
 *    pin (and the certificate's validity dates). A server that swapped certificates between the two steps
 *    fails the second handshake: there is no time-of-check/time-of-use gap, only a less specific error then.
 */
import type { PeerCertificate } from "node:tls";
import { isIP } from "node:net";
import { TlsPinError } from "./errors.ts";
import { derToPem, fingerprintOfDer, fingerprintsEqual, normalizeFingerprint } from "./fingerprint.ts";
import { assertSafeTransport, isTlsUrl } from "./transport.ts";

/** A server certificate whose fingerprint matched the pin; pass it to {@link webSocketOptions}. */
export interface PinnedCertificate {
  /** The server's leaf certificate. */
  certPem: string;
  /** Its fingerprint, canonical `AB:CD:…` form. */
  fingerprint256: string;
}

/** Fetches the certificate a `wss://`/`https://` server presents, without verifying it. */
async function fetchPeerCertificate(url: string, timeoutMs: number): Promise<PinnedCertificate> {
  const parsed = new URL(url);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = Number(parsed.port || 443);
  const { connect } = await import("node:tls"); // loaded only when a pin is checked
  return await new Promise<PinnedCertificate>((resolve, reject) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ...(isIP(host) === 0 && { servername: host }) });
    const fail = (message: string) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(`TLS fingerprint check of ${url} failed: ${message}`));
    };
    const timer = setTimeout(() => fail(`no TLS handshake within ${timeoutMs} ms`), timeoutMs);
    socket.once("secureConnect", () => {
      const raw = (socket.getPeerCertificate() as PeerCertificate | Record<string, never>).raw;
      if (!raw?.length) return fail("the server presented no certificate");
      clearTimeout(timer);
      const der = new Uint8Array(raw);
      socket.destroy();
      resolve({ certPem: derToPem(der), fingerprint256: fingerprintOfDer(der) });
    });
    // After a settled promise these are no-ops (e.g. the ECONNRESET Bun reports when the server sees the destroy).
    socket.once("error", (err: NodeJS.ErrnoException) => {
      const tlsProblem = err.code === "EPROTO" || err.code?.startsWith("ERR_SSL") === true;
      fail(`${err.message} (${tlsProblem ? "is it a TLS gateway? gateway.tls must be enabled" : "is the gateway running?"})`);
    });
    socket.once("close", () => fail("the connection closed before the TLS handshake completed"));
  });
}

/**
 * Connects to `url` once, reads the server's certificate and checks its SHA-256 fingerprint against `pin`.
 * @param pin as typed by the user; any format {@link normalizeFingerprint} accepts.
 * @returns the matching certificate, for {@link webSocketOptions}.
 * @throws {TlsPinError} "TLS certificate fingerprint mismatch: expected X, got Y" when it differs;
 *   Error when `pin` is malformed, `url` is not `wss://`/`https://`, or the server cannot be reached in time.
 */
export async function checkTlsPin(url: string, pin: string, timeoutMs = 10_000): Promise<PinnedCertificate> {
  const expected = normalizeFingerprint(pin);
  if (!isTlsUrl(url)) throw new Error(`--tls-fingerprint needs a wss:// URL, got ${url}`);
  const peer = await fetchPeerCertificate(url, timeoutMs);
  if (!fingerprintsEqual(peer.fingerprint256, expected)) throw new TlsPinError(url, expected, peer.fingerprint256);
  return peer;
}

/** The TLS part of Bun's `WebSocket` constructor options. */
export type WebSocketTlsOptions = Pick<Bun.WebSocketOptions, "tls">;

/**
 * What to pass as the second argument of `new WebSocket(url, …)`:
 * - `pin` (from {@link checkTlsPin}): trust only that certificate, and check its fingerprint instead of the host
 *   name (self-signed certificates rarely name the address a remote client uses);
 * - else `insecure` with `wss://`: accept any certificate (like `curl --insecure`);
 * - else `{}`: normal verification against the system CAs (a self-signed certificate is rejected).
 * @throws {Error} when `pin` is given for a URL that is not `wss://`.
 */
export function webSocketOptions(url: string, { pin, insecure = false }: { pin?: PinnedCertificate; insecure?: boolean } = {}): WebSocketTlsOptions {
  const tlsUrl = isTlsUrl(url);
  if (pin) {
    if (!tlsUrl) throw new Error(`--tls-fingerprint needs a wss:// URL, got ${url}`);
    const expected = pin.fingerprint256;
    return {
      tls: {
        ca: pin.certPem,
        // Must return, never throw: Bun turns a throw here into an uncaught exception. Bun reports a returned
        // error as "Hostname/IP does not match certificate's altnames" (ERR_TLS_CERT_ALTNAME_INVALID).
        checkServerIdentity: (_host, cert) => {
          const actual = cert.raw?.length ? fingerprintOfDer(new Uint8Array(cert.raw)) : String(cert.fingerprint256);
          return fingerprintsEqual(actual, expected) ? undefined : new TlsPinError(url, expected, actual);
        },
      },
    };
  }
  if (insecure && tlsUrl) return { tls: { rejectUnauthorized: false } };
  return {};
}

/** Options of {@link prepareWebSocket}: the CLI's flags. */
export interface SecureConnectOptions {
  /** `--tls-fingerprint`. */
  pin?: string;
  /** `--insecure`. */
  insecure?: boolean;
  /** For the fingerprint check's connection. @default 10000 */
  timeoutMs?: number;
}

/**
 * Everything the CLI does before `new WebSocket(url, options)`: refuses plaintext to remote hosts
 * ({@link assertSafeTransport}), checks the pin if one is given ({@link checkTlsPin}) and returns the options.
 * @throws {InsecureTransportError} | {@link TlsPinError} | Error, each with a message fit for the user.
 */
export async function prepareWebSocket(url: string, { pin, insecure = false, timeoutMs = 10_000 }: SecureConnectOptions = {}): Promise<WebSocketTlsOptions> {
  assertSafeTransport(url, { insecure });
  const pinned = pin === undefined ? undefined : await checkTlsPin(url, pin, timeoutMs);
  return webSocketOptions(url, { ...(pinned && { pin: pinned }), insecure });
}

const UNTRUSTED_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * A hint for a failed `wss://` connection, from the `error` property of the WebSocket's `error` event
 * (Bun sets `code` on it); undefined when the failure is not about the certificate.
 */
export function describeTlsFailure(error: unknown, { pinned = false }: { pinned?: boolean } = {}): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return undefined;
  if (pinned && code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return "the gateway's TLS certificate changed during the connection and no longer matches --tls-fingerprint";
  }
  if (code === "CERT_HAS_EXPIRED") return "the gateway's TLS certificate has expired (restart the gateway to renew a generated one)";
  if (UNTRUSTED_CODES.has(code)) {
    return "the gateway's TLS certificate is not trusted (self-signed?): pass --tls-fingerprint with the SHA-256 " +
      "fingerprint `mayros gateway` prints at start-up, or --insecure to skip verification";
  }
  return undefined;
}
