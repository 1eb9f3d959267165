import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { injectActionBridge, injectReloadScript, LiveReloadHub, type LiveReloadSubscriber } from "../../src/canvas/live-reload.ts";
import { withTimeout } from "./fixtures.ts";

const BOUND_MS = 5_000;

/** A page that records what it gets and lets a test await its n-th message. */
class FakePage implements LiveReloadSubscriber {
  readonly received: string[] = [];
  private waiters: Array<{ n: number; resolve: () => void }> = [];
  send(text: string): void {
    this.received.push(text);
    this.waiters = this.waiters.filter((w) => (this.received.length >= w.n ? (w.resolve(), false) : true));
  }
  nth(n: number): Promise<void> {
    if (this.received.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }
}

/** Counts the change notifications a hub sees, and how many had arrived when each reload went out. */
function countNotifications(hub: LiveReloadHub): { events: () => number } {
  let events = 0;
  const original = hub.notify.bind(hub);
  hub.notify = () => {
    events++;
    original();
  };
  return { events: () => events };
}

let dir: string;
let hub: LiveReloadHub;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mayros-reload-"));
  mkdirSync(join(dir, "sub"));
});
afterEach(() => {
  hub?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("LiveReloadHub", () => {
  it("should send reload to every subscriber after a file write in the watched root", async () => {
    hub = new LiveReloadHub();
    hub.watch(dir);
    const pages = [new FakePage(), new FakePage()];
    for (const page of pages) hub.subscribe(page);
    writeFileSync(join(dir, "index.html"), "<p>changed</p>");
    await withTimeout(Promise.all(pages.map((p) => p.nth(1))), BOUND_MS, "reload on both pages");
    for (const page of pages) expect(page.received).toEqual(["reload"]);
  });

  it("should see writes in subdirectories", async () => {
    hub = new LiveReloadHub({ debounceMs: 10 });
    hub.watch(dir);
    const page = new FakePage();
    hub.subscribe(page);
    writeFileSync(join(dir, "sub", "app.js"), "1");
    await withTimeout(page.nth(1), BOUND_MS, "reload after a nested write");
    expect(page.received).toEqual(["reload"]);
  });

  it("should debounce a burst of quick writes into one message", async () => {
    hub = new LiveReloadHub();
    const counter = countNotifications(hub);
    let eventsAtFirstReload = -1;
    const page = new FakePage();
    hub.subscribe({ send: (text) => { if (eventsAtFirstReload < 0) eventsAtFirstReload = counter.events(); page.send(text); } });
    hub.watch(dir);
    for (let i = 0; i < 5; i++) writeFileSync(join(dir, `f${i}.html`), `v${i}`);
    await withTimeout(page.nth(1), BOUND_MS, "the debounced reload");
    // Every change notification of the burst arrived before the single reload went out.
    expect(eventsAtFirstReload).toBeGreaterThanOrEqual(5);
    expect(page.received).toEqual(["reload"]);
  });

  it("should coalesce repeated notify() calls and fire again for a later change", async () => {
    hub = new LiveReloadHub({ debounceMs: 20 });
    const page = new FakePage();
    hub.subscribe(page);
    for (let i = 0; i < 10; i++) hub.notify();
    await withTimeout(page.nth(1), BOUND_MS, "first reload");
    expect(page.received).toEqual(["reload"]);
    hub.notify();
    await withTimeout(page.nth(2), BOUND_MS, "second reload");
    expect(page.received).toEqual(["reload", "reload"]);
  });

  it("should stop sending to an unsubscribed page and drop a page whose send throws", () => {
    hub = new LiveReloadHub();
    const kept = new FakePage();
    const gone = new FakePage();
    hub.subscribe(kept);
    const unsubscribe = hub.subscribe(gone);
    hub.subscribe({ send: () => { throw new Error("socket closed"); } });
    unsubscribe();
    hub.broadcast();
    expect(kept.received).toEqual(["reload"]);
    expect(gone.received).toEqual([]);
    expect(hub.size).toBe(1);
  });

  it("should hold a watcher only while a page is subscribed", async () => {
    hub = new LiveReloadHub({ debounceMs: 10 });
    hub.watch(dir);
    expect(hub.watching).toBe(false);
    const page = new FakePage();
    const unsubscribe = hub.subscribe(page);
    expect(hub.watching).toBe(true);
    unsubscribe();
    expect(hub.watching).toBe(false);
    hub.subscribe(page);
    writeFileSync(join(dir, "index.html"), "<p>again</p>");
    await withTimeout(page.nth(1), BOUND_MS, "reload after re-subscribing");
    expect(page.received).toEqual(["reload"]);
  });

  it("should throw when the root does not exist", () => {
    hub = new LiveReloadHub();
    expect(() => hub.watch(join(dir, "missing"))).toThrow();
  });

  it("should cancel a pending reload on close", async () => {
    hub = new LiveReloadHub({ debounceMs: 5 });
    const page = new FakePage();
    hub.subscribe(page);
    hub.notify();
    hub.close();
    const other = new FakePage();
    const probe = new LiveReloadHub({ debounceMs: 30 });
    probe.subscribe(other);
    probe.notify();
    // The probe's longer debounce has elapsed, so the closed hub's shorter one would have too.
    await withTimeout(other.nth(1), BOUND_MS, "probe reload");
    probe.close();
    expect(page.received).toEqual([]);
  });
});

/** The first injected script's source. */
function scriptOf(html: string): string {
  const match = /<script data-mayros="[a-z-]+">\n([\s\S]*?)\n<\/script>/.exec(html);
  if (!match?.[1]) throw new Error("no injected script");
  return match[1];
}

describe("injectReloadScript", () => {
  it("should insert the script right before </body>", () => {
    const out = injectReloadScript("<html><BODY><p>hi</p></BODY></html>");
    expect(out.startsWith("<html><BODY><p>hi</p><script data-mayros=\"live-reload\">")).toBe(true);
    expect(out.endsWith("</script>\n</BODY></html>")).toBe(true);
    expect(out).toContain('"/__mayros__/ws"');
    expect(out).toContain("location.reload()");
  });

  it("should append the script when there is no </body>", () => {
    const out = injectReloadScript("<p>fragment</p>");
    expect(out.startsWith("<p>fragment</p>\n<script")).toBe(true);
  });

  it("should escape the socket path so it cannot close the script tag", () => {
    const out = injectReloadScript("<body></body>", "/__mayros__/ws?oc_cap=</script><script>alert(1)");
    expect(out).not.toContain("</script><script>alert(1)");
    expect(out).toContain("\\u003c/script>");
  });

  it("should open the socket on the page's own host and reload on the text reload", () => {
    const sockets: FakeSocket[] = [];
    class FakeSocket {
      onopen?: () => void;
      onmessage?: (ev: { data: unknown }) => void;
      onclose?: () => void;
      constructor(readonly url: string) { sockets.push(this); }
    }
    let reloads = 0;
    const window: Record<string, unknown> = {};
    const location = { protocol: "https:", host: "gw.local:18789", reload: () => { reloads++; } };
    const run = new Function("window", "location", "WebSocket", "crypto", "setTimeout", scriptOf(injectReloadScript("<body></body>", "/__mayros__/ws?oc_cap=abc")));
    run(window, location, FakeSocket, crypto, () => 0);
    expect(sockets.map((s) => s.url)).toEqual(["wss://gw.local:18789/__mayros__/ws?oc_cap=abc"]);
    sockets[0]!.onmessage?.({ data: "hello" });
    expect(reloads).toBe(0);
    sockets[0]!.onmessage?.({ data: "reload" });
    expect(reloads).toBe(1);
    // Running it again on the same page does not open a second socket.
    run(window, location, FakeSocket, crypto, () => 0);
    expect(sockets).toHaveLength(1);
  });
});

describe("action bridge", () => {
  function loadBridge(window: Record<string, unknown>): { sendUserAction: (a: unknown) => boolean; postMessage: (p: unknown) => boolean } {
    new Function("window", "crypto", "console", scriptOf(injectActionBridge("<body></body>")))(window, crypto, console);
    return window.Mayros as never;
  }

  it("should post a userAction to the iOS message handler", () => {
    const posted: string[] = [];
    const window = { webkit: { messageHandlers: { mayrosCanvasA2UIAction: { postMessage: (raw: string) => posted.push(raw) } } } };
    const mayros = loadBridge(window);
    expect(mayros.sendUserAction({ name: "submit", surfaceId: "main", sourceComponentId: "btn", context: { a: 1 } })).toBe(true);
    const { userAction } = JSON.parse(posted[0]!);
    expect(userAction).toEqual({ id: expect.any(String), name: "submit", surfaceId: "main", sourceComponentId: "btn", context: { a: 1 } });
    expect(userAction.id.length).toBeGreaterThan(0);
  });

  it("should post to the Android interface and keep a caller-supplied id", () => {
    const posted: string[] = [];
    const mayros = loadBridge({ mayrosCanvasA2UIAction: { postMessage: (raw: string) => posted.push(raw) } });
    mayros.sendUserAction({ id: "a-1", name: "tap", surfaceId: "s", sourceComponentId: "c" });
    expect(JSON.parse(posted[0]!)).toEqual({ userAction: { id: "a-1", name: "tap", surfaceId: "s", sourceComponentId: "c", context: {} } });
    expect(mayros.postMessage("raw text")).toBe(true);
    expect(posted[1]).toBe("raw text");
  });

  it("should report false when no native bridge is present", () => {
    expect(loadBridge({}).sendUserAction({ name: "x" })).toBe(false);
  });
});
