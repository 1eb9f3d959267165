/**
 * @module Responses of the canvas host: the headers every one of them carries (no-store, CSP,
 * nosniff, no referrer), JSON errors, redirects and file bodies with the page script injected.
 */
import { readFile } from "node:fs/promises";
import { contentTypeFor, isHtmlPath } from "./files.ts";
import { injectActionBridge, injectReloadScript } from "./live-reload.ts";

/**
 * Content-Security-Policy of canvas and A2UI pages, before the page's own WebSocket origins are
 * added to `connect-src`. Same-origin resources only; inline scripts and styles are allowed
 * because agent-written pages and the injected page script use them; no plugins, no `<base>`
 * hijack, framing only by the gateway's own pages.
 */
export const DEFAULT_CANVAS_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "media-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join("; ");

// A Host header is only echoed into the policy when it is plainly a host[:port].
const SAFE_HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * The default CSP for a request to `host`: `connect-src` also names `ws://host` and `wss://host`,
 * since older WebKit does not match WebSockets against `'self'`.
 */
export function canvasCsp(host: string | null | undefined): string {
  if (!host || !SAFE_HOST.test(host)) return DEFAULT_CANVAS_CSP;
  return DEFAULT_CANVAS_CSP.replace("connect-src 'self'", `connect-src 'self' ws://${host} wss://${host}`);
}

/** Headers on every canvas-host response. */
export function baseHeaders(csp: string): Headers {
  return new Headers({
    "Cache-Control": "no-store",
    "Content-Security-Policy": csp,
    "X-Content-Type-Options": "nosniff",
    // Capability URLs carry a bearer token in the path: never leak it through Referer.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
  });
}

/** A JSON body such as `{"error":"not found"}` with the base headers (plus `extra`). */
export function jsonResponse(status: number, body: unknown, csp: string, extra: Record<string, string> = {}): Response {
  const headers = baseHeaders(csp);
  const text = JSON.stringify(body);
  headers.set("Content-Type", "application/json; charset=utf-8");
  headers.set("Content-Length", String(Buffer.byteLength(text)));
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return new Response(text, { status, headers });
}

/** A 302 to `location` (a same-origin path) with the base headers. */
export function redirectResponse(location: string, csp: string): Response {
  const headers = baseHeaders(csp);
  headers.set("Location", location);
  headers.set("Content-Length", "0");
  return new Response(null, { status: 302, headers });
}

/** What is injected into served HTML. */
export interface PageScript {
  /** Inject the live-reload socket (and the action bridge); otherwise the bridge alone. */
  liveReload: boolean;
  /** Path (and query) of the live-reload WebSocket. */
  wsPath: string;
}

/**
 * Reads a file and serves it with its content type and an exact `Content-Length` (HEAD bodies
 * are dropped by Hono, the headers stay). HTML gets the page script injected.
 * @throws {Error} from `readFile` when the file vanished after it was resolved (callers map ENOENT to 404).
 */
export async function fileResponse(path: string, csp: string, script: PageScript): Promise<Response> {
  let body: Uint8Array = await readFile(path);
  if (isHtmlPath(path)) {
    const html = new TextDecoder().decode(body);
    const page = script.liveReload ? injectReloadScript(html, script.wsPath) : injectActionBridge(html);
    body = new TextEncoder().encode(page);
  }
  const headers = baseHeaders(csp);
  headers.set("Content-Type", contentTypeFor(path));
  headers.set("Content-Length", String(body.byteLength));
  return new Response(body, { status: 200, headers });
}
