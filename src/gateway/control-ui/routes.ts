/**
 * @module HTTP routes of the control UI (`/`) and WebChat (`/chat`), and their hashed scripts and
 * styles under `/ui/`. Pages: `Cache-Control: no-cache` with an ETag; hashed files: immutable for a
 * year. Every response carries a strict Content-Security-Policy (no inline scripts, WebSockets only
 * to this host, no framing), `nosniff` and no referrer.
 */
import { Hono, type Context } from "hono";
import { UI_ASSET_PREFIX, type UiFile } from "./bundle.ts";
import type { UiBundleLoader } from "./source.ts";

// A Host header is only echoed into the policy when it is plainly a host[:port].
const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The Content-Security-Policy of the UI pages served for `host`. `connect-src` names this host's
 * ws:// and wss:// explicitly (older WebKit does not match WebSockets against `'self'`).
 */
export function controlUiCsp(host: string | null | undefined): string {
  const sockets = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : "";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${sockets}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

function securityHeaders(c: Context): Headers {
  return new Headers({
    "Content-Security-Policy": controlUiCsp(c.req.header("host")),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
  });
}

function notFound(c: Context): Response {
  const headers = securityHeaders(c);
  headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Cache-Control", "no-store");
  return new Response(JSON.stringify({ error: "not found", path: c.req.path }), { status: 404, headers });
}

function fileResponse(c: Context, file: UiFile, cacheControl: string): Response {
  const headers = securityHeaders(c);
  headers.set("Content-Type", file.type);
  headers.set("Cache-Control", cacheControl);
  headers.set("ETag", file.etag);
  const matches = c.req.header("if-none-match")?.split(",").some((tag) => tag.trim() === file.etag) ?? false;
  if (matches) return new Response(null, { status: 304, headers });
  headers.set("Content-Length", String(file.body.byteLength));
  return new Response(file.body, { status: 200, headers });
}

/**
 * Builds the routes; mount with `app.route("/", routes)`. They claim only GET/HEAD of `/`, `/chat`
 * and `/ui/<file>`; the bundle is loaded on the first request.
 */
export function createControlUiRoutes({ load }: { load: UiBundleLoader }): Hono {
  async function serve(c: Context, name: string, cacheControl: string): Promise<Response> {
    let file: UiFile | undefined;
    try {
      file = (await load()).get(name);
    } catch (err) {
      const headers = securityHeaders(c);
      headers.set("Content-Type", "text/plain; charset=utf-8");
      headers.set("Cache-Control", "no-store");
      return new Response(`control UI unavailable: ${(err as Error).message}\n`, { status: 503, headers });
    }
    return file ? fileResponse(c, file, cacheControl) : notFound(c);
  }
  const page = (name: string) => (c: Context) => serve(c, name, "no-cache");
  const app = new Hono();
  app.get("/", page("index.html"));
  app.get("/chat", page("chat.html"));
  app.get("/chat/", page("chat.html"));
  app.get(`${UI_ASSET_PREFIX}:name`, (c) => {
    const name = c.req.param("name");
    // Only the hashed scripts and styles: pages are served at their own paths.
    if (name.endsWith(".html")) return notFound(c);
    return serve(c, name, "public, max-age=31536000, immutable");
  });
  return app;
}
