/**
 * @module The canvas host's URL space: the fixed path prefixes and the capability-scoped URL
 * form (`/__mayros__/cap/<cap>/…`) handed to nodes in `hello-ok.canvasHostUrl`.
 */

/** Agent-editable files from `<stateDir>/canvas`. */
export const CANVAS_PATH = "/__mayros__/canvas";
/** The bundled A2UI host page. */
export const A2UI_PATH = "/__mayros__/a2ui";
/** Prefix of capability-scoped URLs: `/__mayros__/cap/<cap>/<rest>`. */
export const CAPABILITY_PATH = "/__mayros__/cap";
/** WebSocket path of live reload (upgraded by the gateway, not by these routes). */
export const LIVE_RELOAD_WS_PATH = "/__mayros__/ws";
/** Query parameter carrying a capability on the live-reload WebSocket URL. */
export const CAPABILITY_QUERY_PARAM = "oc_cap";

const ROOT_PREFIX = "/__mayros__";
const CAPABILITY_SHAPE = /^[A-Za-z0-9_-]{1,128}$/;

/** A request path under {@link CAPABILITY_PATH}, split into the capability and the real path. */
export interface ScopedPath {
  /** The capability token from the path. */
  capability: string;
  /** The path it stands for, always under `/__mayros__/` (e.g. `/__mayros__/canvas/index.html`). */
  path: string;
  /** The scoped prefix as requested, for building redirects (`/__mayros__/cap/<cap>` or `…/<cap>/__mayros__`). */
  prefix: string;
}

/**
 * Builds the `canvasHostUrl` a node receives: `<baseUrl>/__mayros__/cap/<cap>`.
 * @param baseUrl - the gateway's HTTP origin as the node reaches it, e.g. `http://192.168.1.5:18789`.
 * @param capability - a token from `CapabilityStore.mint`.
 * @example buildScopedCanvasHostUrl("http://10.0.0.2:18789/", "abc") // "http://10.0.0.2:18789/__mayros__/cap/abc"
 */
export function buildScopedCanvasHostUrl(baseUrl: string, capability: string): string {
  const url = new URL(baseUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}${CAPABILITY_PATH}/${encodeURIComponent(capability)}`;
  url.search = "";
  url.hash = "";
  return url.toString();
}

/**
 * Splits a raw (still percent-encoded) request path under {@link CAPABILITY_PATH}. Both rest forms
 * are accepted: `/__mayros__/cap/<cap>/canvas/x` and, since nodes append the full canvas path to
 * `canvasHostUrl`, `/__mayros__/cap/<cap>/__mayros__/canvas/x`. Both map to `/__mayros__/canvas/x`.
 * @returns null when the path is not capability-scoped or the token is malformed.
 */
export function parseScopedPath(rawPath: string): ScopedPath | null {
  const head = `${CAPABILITY_PATH}/`;
  if (!rawPath.startsWith(head)) return null;
  const remainder = rawPath.slice(head.length);
  const slash = remainder.indexOf("/");
  const capability = slash === -1 ? remainder : remainder.slice(0, slash);
  if (!CAPABILITY_SHAPE.test(capability)) return null;
  let rest = slash === -1 ? "/" : remainder.slice(slash);
  let prefix = `${head}${capability}`;
  if (rest === ROOT_PREFIX || rest.startsWith(`${ROOT_PREFIX}/`)) {
    prefix += ROOT_PREFIX;
    rest = rest.slice(ROOT_PREFIX.length) || "/";
  }
  return { capability, path: `${ROOT_PREFIX}${rest}`, prefix };
}

/**
 * Recognises a live-reload WebSocket upgrade URL and extracts the capability it carries, so the
 * gateway can admit node webviews that hold a capability but no gateway credentials. Accepted:
 * `/__mayros__/ws[?oc_cap=<cap>]`, `/__mayros__/cap/<cap>/ws`, `/__mayros__/cap/<cap>/__mayros__/ws`.
 * @returns null when the URL is not the live-reload socket; otherwise the capability, or null inside when none was given.
 */
export function matchLiveReloadUpgrade(url: URL): { capability: string | null } | null {
  if (url.pathname === LIVE_RELOAD_WS_PATH) {
    const cap = url.searchParams.get(CAPABILITY_QUERY_PARAM);
    return { capability: cap && CAPABILITY_SHAPE.test(cap) ? cap : null };
  }
  const scoped = parseScopedPath(url.pathname);
  if (scoped && scoped.path === LIVE_RELOAD_WS_PATH) return { capability: scoped.capability };
  return null;
}
