/**
 * @module The browser Origin check of the control-plane WebSocket (protocol.md §2.4 step 2). A
 * request carrying an `Origin` header (a browser page) is admitted only when that origin's
 * host:port is the `Host` the request was sent to (the page came from this gateway), or when the
 * origin is listed in `gateway.controlUi.allowedOrigins`. Requests without `Origin` (the CLI,
 * nodes, other programs) are not affected. **Decision:** a refused upgrade is answered HTTP 403
 * before any WebSocket exists, so a foreign page never reaches the handshake.
 */

/** Whether a WebSocket upgrade with `origin` (the header, or null) sent to `host` may proceed. */
export function isOriginAllowed(origin: string | null, host: string | null, allowedOrigins: readonly string[]): boolean {
  if (origin === null) return true;
  const parsed = parseOrigin(origin);
  if (parsed === null) return false;
  if (host !== null && parsed.host === host.toLowerCase()) return true;
  return allowedOrigins.some((allowed) => parseOrigin(allowed)?.origin === parsed.origin);
}

/** The 403 answer to a refused upgrade; the body names the origin and the setting that admits it. */
export function originRefused(origin: string): Response {
  const body = `origin not allowed: ${origin} (a browser page may connect only from this gateway's own host, or from an origin listed in gateway.controlUi.allowedOrigins)\n`;
  return new Response(body, { status: 403, headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" } });
}

function parseOrigin(value: string): { origin: string; host: string } | null {
  try {
    const url = new URL(value);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return { origin: url.origin, host: url.host.toLowerCase() };
  } catch {
    return null;
  }
}
