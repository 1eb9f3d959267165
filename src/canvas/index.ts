/** @module The canvas host: agent-editable files, the A2UI host page, capability URLs and live reload. */
export { assetPath } from "./assets.ts";
export { CAPABILITY_BYTES, CAPABILITY_TTL_MS, CapabilityStore } from "./capabilities.ts";
export type { CapabilityStoreOptions } from "./capabilities.ts";
export { DEFAULT_CANVAS_INDEX_HTML, ensureCanvasRoot } from "./default-page.ts";
export { contentTypeFor, isHtmlPath, resolveFile, resolveInRoot, safeSegments } from "./files.ts";
export type { ResolvedFile } from "./files.ts";
export {
  injectActionBridge, injectReloadScript, LiveReloadHub, RELOAD_DEBOUNCE_MS, RELOAD_MESSAGE,
} from "./live-reload.ts";
export type { LiveReloadHubOptions, LiveReloadSubscriber } from "./live-reload.ts";
export {
  A2UI_PATH, buildScopedCanvasHostUrl, CANVAS_PATH, CAPABILITY_PATH, CAPABILITY_QUERY_PARAM,
  LIVE_RELOAD_WS_PATH, matchLiveReloadUpgrade, parseScopedPath,
} from "./paths.ts";
export type { ScopedPath } from "./paths.ts";
export { canvasCsp, DEFAULT_CANVAS_CSP } from "./responses.ts";
export { createCanvasRoutes } from "./routes.ts";
export type { CanvasRoutesOptions } from "./routes.ts";
