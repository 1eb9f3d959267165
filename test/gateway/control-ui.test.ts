/** The control UI routes in-process: pages and hashed bundles, content types, caching, CSP, and where the bundle comes from. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hono } from "hono";
import { buildUiBundle, writeUiBundle, type UiBundle } from "../../src/gateway/control-ui/bundle.ts";
import { controlUiCsp, createControlUiRoutes } from "../../src/gateway/control-ui/routes.ts";
import { createUiBundleLoader, UI_SOURCE_DIR } from "../../src/gateway/control-ui/source.ts";

let bundle: UiBundle;
let app: Hono;
const dirs: string[] = [];
beforeAll(async () => {
  bundle = await buildUiBundle(UI_SOURCE_DIR);
  app = createControlUiRoutes({ load: async () => bundle });
});
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers: { host: "127.0.0.1:18789", ...headers } });

/** The `src` of every script and `href` of every stylesheet of a page. */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)="([^"]+)"/g)].map((m) => m[1]!);
}

describe("control UI routes", () => {
  it("should serve the control UI at / and WebChat at /chat as HTML with no-cache, an ETag and a strict CSP", async () => {
    for (const [path, title] of [["/", "Mayros control"], ["/chat", "Mayros chat"], ["/chat/", "Mayros chat"]] as const) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(res.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("content-security-policy")).toBe(controlUiCsp("127.0.0.1:18789"));
      const html = await res.text();
      expect(html).toContain(`<title>${title}</title>`);
      // No inline script: every script has a src.
      expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
    }
  });

  it("should have a CSP without inline scripts, with WebSockets only to the page's host and no framing", () => {
    expect(controlUiCsp("127.0.0.1:18789")).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws://127.0.0.1:18789 wss://127.0.0.1:18789; "
      + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    expect(controlUiCsp("evil.example; script-src *")).toContain("connect-src 'self';");
  });

  it("should serve the hashed script and stylesheet of each page with their types, immutable for a year", async () => {
    for (const path of ["/", "/chat"]) {
      const assets = assetsOf(await (await get(path)).text());
      expect(assets.some((a) => /^\/ui\/[\w-]+-[a-z0-9]{8}\.js$/.test(a))).toBe(true);
      expect(assets.some((a) => /^\/ui\/[\w-]+-[a-z0-9]{8}\.css$/.test(a))).toBe(true);
      for (const asset of assets) {
        const res = await get(asset);
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe(asset.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
        expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        expect(Number(res.headers.get("content-length"))).toBeGreaterThan(100);
      }
    }
  });

  it("should answer 304 to a matching If-None-Match and the headers alone to HEAD", async () => {
    const etag = (await get("/")).headers.get("etag")!;
    const cached = await get("/", { "if-none-match": `"other", ${etag}` });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe("");
    const head = await app.request("/chat", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("text/html; charset=utf-8");
  });

  it("should answer 404 for unknown files and for pages under /ui/", async () => {
    for (const path of ["/ui/nope.js", "/ui/index.html", "/ui/chat.html"]) {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: "not found", path });
    }
  });

  it("should answer 503 with the reason when the bundle cannot be loaded", async () => {
    const broken = createControlUiRoutes({ load: async () => { throw new Error("no sources"); } });
    const res = await broken.request("/");
    expect(res.status).toBe(503);
    expect(await res.text()).toBe("control UI unavailable: no sources\n");
  });
});

describe("control UI bundle loader", () => {
  it("should prefer an embedded bundle and load it only once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mayros-ui-"));
    dirs.push(dir);
    writeUiBundle(bundle, join(dir, "control-ui"));
    const load = createUiBundleLoader({ embeddedDir: join(dir, "control-ui"), sourceDir: join(dir, "no-sources") });
    const first = await load();
    expect(await load()).toBe(first);
    expect([...first.keys()].sort()).toEqual([...bundle.keys()].sort());
    expect(first.get("index.html")!.etag).toBe(bundle.get("index.html")!.etag);
  });

  it("should bundle the sources when nothing is embedded, and retry after a failure", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mayros-ui-"));
    dirs.push(dir);
    const failing = createUiBundleLoader({ embeddedDir: join(dir, "none"), sourceDir: join(dir, "no-sources") });
    await expect(failing()).rejects.toThrow(/^control UI bundle failed: /);
    const load = createUiBundleLoader({ embeddedDir: join(dir, "none") });
    expect((await load()).has("chat.html")).toBe(true);
  });
});
