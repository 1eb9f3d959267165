/** @module Which URLs the CLI may use without TLS: plaintext WebSockets only to loopback unless `--insecure`. */
import { isIP } from "node:net";
import { InsecureTransportError } from "./errors.ts";

/** An IPv4-mapped IPv6 loopback after WHATWG URL normalization, e.g. `::ffff:7f00:1` (= ::ffff:127.0.0.1). */
const MAPPED_V4_LOOPBACK = /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/;

/**
 * True for loopback hosts: `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped 127.x. Brackets are allowed.
 * Purely textual; it never resolves names (so `127.example.com` is not loopback). For non-canonical
 * IP spellings (`127.1`, `0x7f.0.0.1`, `0:0::1`) pass a host taken from a WHATWG `URL`, which canonicalizes them.
 */
export function isLoopbackHost(host: string): boolean {
  const h = (host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host).toLowerCase().replace(/\.$/, "");
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (isIP(h) === 6) return h === "::1" || MAPPED_V4_LOOPBACK.test(h);
  return false;
}

/** Whether a URL is encrypted (`wss:` or `https:`). */
export function isTlsUrl(url: string | URL): boolean {
  const { protocol } = typeof url === "string" ? new URL(url) : url;
  return protocol === "wss:" || protocol === "https:";
}

/**
 * Refuses a plaintext connection that would leave this machine: `ws://` (or `http://`) to a host that is
 * not loopback throws {@link InsecureTransportError}, unless `insecure` (the CLI's `--insecure`). `wss://` and
 * `https://` always pass (certificate checks happen when connecting).
 * @throws {InsecureTransportError} as described; {@link TypeError} for an unparsable URL; Error for other schemes.
 */
export function assertSafeTransport(url: string, { insecure = false }: { insecure?: boolean } = {}): void {
  const parsed = new URL(url);
  if (isTlsUrl(parsed)) return;
  if (parsed.protocol !== "ws:" && parsed.protocol !== "http:") {
    throw new Error(`unsupported gateway URL scheme ${parsed.protocol} in ${url} (use ws:// or wss://)`);
  }
  if (insecure || isLoopbackHost(parsed.hostname)) return;
  throw new InsecureTransportError(url, parsed.hostname);
}
