/**
 * @module Live reload for canvas pages: a watcher on the canvas root that tells every connected
 * page to reload, and the page script (action bridge + reload socket) injected into served HTML.
 */
import { statSync, watch, type FSWatcher } from "node:fs";
import { LIVE_RELOAD_WS_PATH } from "./paths.ts";

/** A connected page; a Bun `ServerWebSocket` fits as is. */
export interface LiveReloadSubscriber {
  send(text: string): unknown;
  /** Ends the page's socket when the hub closes (a `ServerWebSocket` has it; the page script reconnects). */
  close?(code?: number, reason?: string): unknown;
}

/** The text a page reloads on. */
export const RELOAD_MESSAGE = "reload";
/** Default quiet time after the last change before pages are told to reload. */
export const RELOAD_DEBOUNCE_MS = 75;

/** Options of {@link LiveReloadHub}. */
export interface LiveReloadHubOptions {
  /** Quiet time after the last file change before `reload` is sent. @default 75 */
  debounceMs?: number;
  /** Called when the watcher fails (e.g. the root was removed); the watcher is then closed. */
  onError?: (err: Error) => void;
}

/**
 * Fans a debounced `reload` out to every subscribed page when files under the watched root change.
 * @example
 * const hub = new LiveReloadHub();
 * hub.watch(canvasRoot);
 * // in the gateway's websocket handlers for /__mayros__/ws:
 * open(ws) { hub.subscribe(ws) }, close(ws) { hub.unsubscribe(ws) }
 */
export class LiveReloadHub {
  private readonly subscribers = new Set<LiveReloadSubscriber>();
  private readonly debounceMs: number;
  private readonly onError: (err: Error) => void;
  private watcher: FSWatcher | null = null;
  /** The root to watch while at least one page is subscribed. */
  private root: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  /** @throws {Error} when `debounceMs` is negative or not a number. */
  constructor({ debounceMs = RELOAD_DEBOUNCE_MS, onError = () => {} }: LiveReloadHubOptions = {}) {
    if (!(debounceMs >= 0)) throw new Error(`LiveReloadHub: debounceMs must be >= 0, got ${debounceMs}`);
    this.debounceMs = debounceMs;
    this.onError = onError;
  }

  /** Adds a page. @returns a function that removes it again. */
  subscribe(subscriber: LiveReloadSubscriber): () => void {
    this.subscribers.add(subscriber);
    if (!this.watcher && this.root) this.startWatching(this.root);
    return () => this.unsubscribe(subscriber);
  }

  /** Removes a page (safe to call twice). */
  unsubscribe(subscriber: LiveReloadSubscriber): void {
    this.subscribers.delete(subscriber);
    if (this.subscribers.size === 0) this.stopWatching();
  }

  /** Number of subscribed pages. */
  get size(): number {
    return this.subscribers.size;
  }

  /** Whether a file watcher is open (only while at least one page is subscribed to a watched root). */
  get watching(): boolean {
    return this.watcher !== null;
  }

  /**
   * Watches `root` recursively (replacing any earlier root) while at least one page is subscribed: an idle gateway
   * holds no watcher. Changes are debounced: a burst of writes yields one `reload`, sent once the root has been
   * quiet for `debounceMs`.
   * @throws {Error} when `root` is not a directory or cannot be watched.
   */
  watch(root: string): void {
    this.stopWatching();
    if (!statSync(root).isDirectory()) throw new Error(`cannot watch ${root}: not a directory`);
    this.root = root;
    if (this.subscribers.size > 0) this.startWatching(root);
  }

  /** Opens the watcher; a root that cannot be watched any more is reported and forgotten. */
  private startWatching(root: string): void {
    let watcher: FSWatcher;
    try {
      watcher = watch(root, { recursive: true }, () => this.notify());
    } catch (err) {
      this.root = null;
      this.onError(err as Error);
      return;
    }
    watcher.on("error", (err: Error) => {
      if (this.watcher === watcher) this.stopWatching();
      this.onError(err);
    });
    this.watcher = watcher;
  }

  /** Schedules a debounced `reload` (what a file change does; also usable by other code). */
  notify(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.broadcast();
    }, this.debounceMs);
  }

  /** Sends `reload` to every subscriber now; one that throws is dropped. */
  broadcast(): void {
    for (const subscriber of [...this.subscribers]) {
      try {
        subscriber.send(RELOAD_MESSAGE);
      } catch {
        this.subscribers.delete(subscriber);
      }
    }
  }

  /**
   * Stops watching, cancels a pending reload, and closes (1012 "service restart") and forgets every
   * subscriber, so a stopping gateway does not wait on open pages.
   */
  close(): void {
    this.stopWatching();
    const subscribers = [...this.subscribers];
    this.subscribers.clear();
    for (const subscriber of subscribers) {
      try {
        subscriber.close?.(1012, "service restart");
      } catch {
        // already closed
      }
    }
  }

  private stopWatching(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** JSON for embedding inside an inline `<script>`: `<` is escaped so `</script>` cannot break out. */
function scriptLiteral(value: string): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/**
 * The action bridge: `window.Mayros.postMessage(payload)` and `window.Mayros.sendUserAction(action)`,
 * which post `{userAction:{id,name,surfaceId,sourceComponentId,context}}` (as a JSON string) to the
 * native node app: iOS `webkit.messageHandlers.mayrosCanvasA2UIAction`, Android `window.mayrosCanvasA2UIAction`.
 */
const BRIDGE_SOURCE = `(function () {
  if (window.Mayros && window.Mayros.sendUserAction) return;
  function postMessage(payload) {
    var raw = typeof payload === "string" ? payload : JSON.stringify(payload);
    try {
      var handlers = window.webkit && window.webkit.messageHandlers;
      var ios = handlers && handlers.mayrosCanvasA2UIAction;
      if (ios && typeof ios.postMessage === "function") { ios.postMessage(raw); return true; }
      var android = window.mayrosCanvasA2UIAction;
      if (android && typeof android.postMessage === "function") { android.postMessage(raw); return true; }
    } catch (e) { console.warn("mayros: action bridge failed", e); }
    return false;
  }
  function sendUserAction(action) {
    action = action || {};
    var id = typeof action.id === "string" && action.id ? action.id
      : (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));
    return postMessage({ userAction: {
      id: id, name: String(action.name || ""), surfaceId: action.surfaceId || "main",
      sourceComponentId: action.sourceComponentId || "", context: action.context || {}
    } });
  }
  window.Mayros = Object.assign(window.Mayros || {}, { postMessage: postMessage, sendUserAction: sendUserAction });
})();`;

function reloadSource(wsPath: string): string {
  return `(function () {
  if (window.__mayrosLiveReload) return;
  window.__mayrosLiveReload = true;
  var path = ${scriptLiteral(wsPath)}, delay = 1000;
  function connect() {
    var ws;
    try { ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + path); }
    catch (e) { console.warn("mayros: live reload unavailable", e); return; }
    ws.onopen = function () { delay = 1000; };
    ws.onmessage = function (ev) { if (String(ev.data) === "reload") location.reload(); };
    ws.onclose = function () { setTimeout(connect, delay); delay = Math.min(delay * 2, 15000); };
  }
  connect();
})();`;
}

function insertBeforeBodyEnd(html: string, snippet: string): string {
  const at = html.toLowerCase().lastIndexOf("</body>");
  return at === -1 ? `${html}\n${snippet}\n` : `${html.slice(0, at)}${snippet}\n${html.slice(at)}`;
}

/**
 * Injects the action bridge only (no reload socket), before `</body>` or at the end.
 * Used for HTML when live reload is off, so pages can still send user actions.
 */
export function injectActionBridge(html: string): string {
  return insertBeforeBodyEnd(html, `<script data-mayros="bridge">\n${BRIDGE_SOURCE}\n</script>`);
}

/**
 * Injects the action bridge and the live-reload script before `</body>` (or at the end when there
 * is none). The script opens a WebSocket to `wsPath` on the page's own host (`wss:` under https)
 * and calls `location.reload()` on the text `reload`; it reconnects with backoff if the socket drops.
 * @param html - the page.
 * @param [wsPath="/__mayros__/ws"] - path (and query) of the live-reload socket.
 * @example injectReloadScript("<body>hi</body>") // "<body>hi<script …>…</script>\n</body>"
 */
export function injectReloadScript(html: string, wsPath: string = LIVE_RELOAD_WS_PATH): string {
  const snippet = `<script data-mayros="live-reload">\n${BRIDGE_SOURCE}\n${reloadSource(wsPath)}\n</script>`;
  return insertBeforeBodyEnd(html, snippet);
}
