/**
 * @module The canvas host's HTTP routes (Hono): agent-editable files under `/__mayros__/canvas/`,
 * the bundled A2UI host under `/__mayros__/a2ui/`, and both again behind a capability under
 * `/__mayros__/cap/<cap>/…` for node webviews that hold no gateway credentials.
 */
import { isAbsolute, join } from "node:path";
import { Hono, type Context } from "hono";
import { assetPath } from "./assets.ts";
import type { CapabilityStore } from "./capabilities.ts";
import { resolveFile } from "./files.ts";
import { A2UI_PATH, CANVAS_PATH, CAPABILITY_PATH, CAPABILITY_QUERY_PARAM, LIVE_RELOAD_WS_PATH, parseScopedPath } from "./paths.ts";
import { canvasCsp, fileResponse, jsonResponse, redirectResponse, type PageScript } from "./responses.ts";

/** Options of {@link createCanvasRoutes}. */
export interface CanvasRoutesOptions {
  /** Absolute path of the agent-editable directory (`<stateDir>/canvas`, see `ensureCanvasRoot`). */
  canvasRoot: string;
  /** Verifies `/__mayros__/cap/<cap>/…` requests. */
  capabilities: Pick<CapabilityStore, "verify">;
  /**
   * Access check for the plain (non-capability) routes, e.g. "loopback bind, or valid gateway
   * auth". A false result answers 401 `{"error":"unauthorized"}`. Not consulted for capability URLs.
   */
  authorize: (c: Context) => boolean | Promise<boolean>;
  /** Inject the live-reload socket into served HTML (the action bridge is always injected). @default false */
  liveReload?: boolean;
  /** Directory holding `index.html` and `a2ui.js`. @default assetPath("a2ui") */
  a2uiRoot?: string;
  /** A fixed Content-Security-Policy instead of {@link canvasCsp}'s per-host default. */
  contentSecurityPolicy?: string;
}

/** The only files served from the A2UI host directory, by request path below `/__mayros__/a2ui`. */
const A2UI_FILES: Readonly<Record<string, string>> = { "/": "index.html", "/index.html": "index.html", "/a2ui.js": "a2ui.js" };
const ALLOW = "GET, HEAD";

/**
 * Builds the canvas host's routes. Mount them on the gateway app with `app.route("/", routes)`;
 * they only claim `/__mayros__/canvas`, `/__mayros__/a2ui` and `/__mayros__/cap` (GET/HEAD, 405
 * otherwise). Every response carries `Cache-Control: no-store` and the canvas CSP. No I/O happens here.
 * @throws {Error} when `canvasRoot` is not an absolute path.
 * @example
 * app.route("/", createCanvasRoutes({ canvasRoot, capabilities, liveReload: true,
 *   authorize: (c) => isLoopbackBind || checkGatewayAuth(c.req.raw) }));
 */
export function createCanvasRoutes(opts: CanvasRoutesOptions): Hono {
  const { canvasRoot, capabilities, authorize, liveReload = false, contentSecurityPolicy } = opts;
  if (typeof canvasRoot !== "string" || !isAbsolute(canvasRoot)) {
    throw new Error(`createCanvasRoutes: canvasRoot must be an absolute path, got ${JSON.stringify(canvasRoot)}`);
  }
  let a2uiRoot = opts.a2uiRoot; // resolved on first use, so building the routes does no I/O
  const cspFor = (c: Context) => contentSecurityPolicy ?? canvasCsp(c.req.header("host"));

  /** Serves `rest` (raw path below the mount) from the canvas root. */
  async function serveCanvas(c: Context, rest: string, mount: string, script: PageScript): Promise<Response> {
    const csp = cspFor(c);
    const found = resolveFile(canvasRoot, rest);
    if (!found) return jsonResponse(404, { error: "not found" }, csp);
    if (found.needsSlash) return redirectResponse(`${mount}${rest}/${new URL(c.req.url).search}`, csp);
    return readOr404(() => fileResponse(found.path, csp, script), csp);
  }

  /** Serves one of the fixed A2UI host files. */
  async function serveA2ui(c: Context, rest: string, mount: string, script: PageScript): Promise<Response> {
    const csp = cspFor(c);
    if (rest === "") return redirectResponse(`${mount}/${new URL(c.req.url).search}`, csp);
    const name = A2UI_FILES[rest];
    if (!name) return jsonResponse(404, { error: "not found" }, csp);
    a2uiRoot ??= assetPath("a2ui");
    try {
      return await fileResponse(join(a2uiRoot, name), csp, script);
    } catch {
      return jsonResponse(503, { error: "a2ui host assets are missing from this build" }, csp);
    }
  }

  /** The raw (still percent-encoded) path below `prefix`, or null when it is not under it. */
  function restOf(c: Context, prefix: string): string | null {
    const path = new URL(c.req.url).pathname;
    if (path !== prefix && !path.startsWith(`${prefix}/`)) return null;
    return path.slice(prefix.length);
  }

  async function guarded(c: Context, prefix: string, serve: typeof serveCanvas): Promise<Response> {
    if (!(await authorize(c))) return jsonResponse(401, { error: "unauthorized" }, cspFor(c));
    const rest = restOf(c, prefix);
    if (rest === null) return jsonResponse(404, { error: "not found" }, cspFor(c));
    return serve(c, rest, prefix, { liveReload, wsPath: LIVE_RELOAD_WS_PATH });
  }

  const app = new Hono();
  app.get(`${CANVAS_PATH}/*`, (c) => guarded(c, CANVAS_PATH, serveCanvas));
  app.get(`${A2UI_PATH}/*`, (c) => guarded(c, A2UI_PATH, serveA2ui));
  app.get(`${CAPABILITY_PATH}/*`, (c) => {
    const scoped = parseScopedPath(new URL(c.req.url).pathname);
    if (!scoped || capabilities.verify(scoped.capability) === null) {
      return jsonResponse(403, { error: "invalid or expired capability" }, cspFor(c));
    }
    const script: PageScript = {
      liveReload,
      wsPath: `${LIVE_RELOAD_WS_PATH}?${CAPABILITY_QUERY_PARAM}=${encodeURIComponent(scoped.capability)}`,
    };
    for (const [prefix, serve] of [[CANVAS_PATH, serveCanvas], [A2UI_PATH, serveA2ui]] as const) {
      if (scoped.path === prefix || scoped.path.startsWith(`${prefix}/`)) {
        const mount = `${scoped.prefix}${prefix.slice("/__mayros__".length)}`;
        return serve(c, scoped.path.slice(prefix.length), mount, script);
      }
    }
    return jsonResponse(404, { error: "not found" }, cspFor(c));
  });
  for (const prefix of [CANVAS_PATH, A2UI_PATH, CAPABILITY_PATH]) {
    app.all(`${prefix}/*`, (c) => jsonResponse(405, { error: "method not allowed" }, cspFor(c), { Allow: ALLOW }));
  }
  return app;
}

async function readOr404(read: () => Promise<Response>, csp: string): Promise<Response> {
  try {
    return await read();
  } catch (err) {
    // Deleted or replaced between resolution and read (the agent edits these files live).
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EISDIR" || code === "ENOTDIR") return jsonResponse(404, { error: "not found" }, csp);
    throw err;
  }
}
