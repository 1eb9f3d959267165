import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { Hono } from "hono";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CapabilityStore, CAPABILITY_TTL_MS } from "../../src/canvas/capabilities.ts";
import { createCanvasRoutes, type CanvasRoutesOptions } from "../../src/canvas/routes.ts";
import { makeCanvasFixture, PNG_BYTES, SECRET, type CanvasFixture } from "./fixtures.ts";

let fx: CanvasFixture;
beforeAll(() => {
  fx = makeCanvasFixture();
});
afterAll(() => fx.cleanup());

function setup(overrides: Partial<CanvasRoutesOptions> = {}) {
  let now = 5_000_000;
  const capabilities = new CapabilityStore({ now: () => now });
  const authorizeCalls: string[] = [];
  const app = createCanvasRoutes({
    canvasRoot: fx.root,
    capabilities,
    authorize: (c) => { authorizeCalls.push(c.req.path); return true; },
    ...overrides,
  });
  return { app, capabilities, authorizeCalls, advance: (ms: number) => { now += ms; } };
}

async function get(app: Hono, path: string, init?: RequestInit) {
  const res = await app.request(path, init);
  return { res, body: await res.text() };
}

describe("createCanvasRoutes: canvas files", () => {
  it("should serve files with their content type, no-store and the canvas headers", async () => {
    const { app } = setup();
    const cases: Array<[string, string]> = [
      ["/__mayros__/canvas/app.js", "text/javascript; charset=utf-8"],
      ["/__mayros__/canvas/style.css", "text/css; charset=utf-8"],
      ["/__mayros__/canvas/data.json", "application/json; charset=utf-8"],
      ["/__mayros__/canvas/index.html", "text/html; charset=utf-8"],
    ];
    for (const [path, type] of cases) {
      const { res } = await get(app, path);
      expect(`${path} ${res.status} ${res.headers.get("content-type")}`).toBe(`${path} 200 ${type}`);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    }
  });

  it("should serve non-HTML files byte for byte with an exact Content-Length", async () => {
    const { app } = setup();
    const js = await get(app, "/__mayros__/canvas/app.js");
    expect(js.body).toBe(readFileSync(join(fx.root, "app.js"), "utf8"));
    const png = await app.request("/__mayros__/canvas/pic.png");
    expect(png.headers.get("content-type")).toBe("image/png");
    expect(png.headers.get("content-length")).toBe(String(PNG_BYTES.length));
    expect(new Uint8Array(await png.arrayBuffer())).toEqual(PNG_BYTES);
  });

  it("should answer HEAD with the headers and Content-Length of GET but no body", async () => {
    const { app } = setup({ liveReload: true });
    for (const path of ["/__mayros__/canvas/index.html", "/__mayros__/canvas/pic.png"]) {
      const full = await app.request(path);
      const length = (await full.arrayBuffer()).byteLength;
      const head = await app.request(path, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-length")).toBe(String(length));
      expect(head.headers.get("content-type")).toBe(full.headers.get("content-type"));
      expect(head.headers.get("cache-control")).toBe("no-store");
      expect(await head.text()).toBe("");
    }
  });

  it("should serve index.html for the root and for a directory with a trailing slash", async () => {
    const { app } = setup();
    expect((await get(app, "/__mayros__/canvas/")).body).toContain("<h1>Home</h1>");
    expect((await get(app, "/__mayros__/canvas/sub/")).body).toContain("sub index");
  });

  it("should redirect a directory named without a trailing slash", async () => {
    const { app } = setup();
    for (const [path, location] of [
      ["/__mayros__/canvas", "/__mayros__/canvas/"],
      ["/__mayros__/canvas/sub?x=1", "/__mayros__/canvas/sub/?x=1"],
    ] as const) {
      const { res } = await get(app, path);
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(location);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("should answer 404 JSON for a missing file", async () => {
    const { app } = setup();
    const { res, body } = await get(app, "/__mayros__/canvas/missing.html");
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(JSON.parse(body)).toEqual({ error: "not found" });
  });

  it("should answer 405 with Allow for other methods on every prefix", async () => {
    const { app, capabilities } = setup();
    const cap = capabilities.mint("node-1");
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      for (const path of ["/__mayros__/canvas/index.html", "/__mayros__/a2ui/", `/__mayros__/cap/${cap}/canvas/`]) {
        const { res, body } = await get(app, path, { method });
        expect(`${method} ${path} ${res.status}`).toBe(`${method} ${path} 405`);
        expect(res.headers.get("allow")).toBe("GET, HEAD");
        expect(res.headers.get("cache-control")).toBe("no-store");
        expect(JSON.parse(body)).toEqual({ error: "method not allowed" });
      }
    }
  });

  it("should name the page's own WebSocket origins in connect-src, ignoring odd Host headers", async () => {
    const { app } = setup();
    const ok = await app.request("/__mayros__/canvas/", { headers: { host: "192.168.1.5:18789" } });
    expect(ok.headers.get("content-security-policy")).toContain("connect-src 'self' ws://192.168.1.5:18789 wss://192.168.1.5:18789;");
    const odd = await app.request("/__mayros__/canvas/", { headers: { host: "x; script-src *" } });
    expect(odd.headers.get("content-security-policy")).toContain("connect-src 'self';");
    expect(odd.headers.get("content-security-policy")).not.toContain("script-src *");
  });

  it("should use a configured Content-Security-Policy verbatim", async () => {
    const { app } = setup({ contentSecurityPolicy: "default-src 'none'" });
    expect((await app.request("/__mayros__/canvas/")).headers.get("content-security-policy")).toBe("default-src 'none'");
  });
});

describe("createCanvasRoutes: path confinement", () => {
  const attacks = [
    "/__mayros__/canvas/../outside/secret.txt",
    "/__mayros__/canvas/..%2foutside%2fsecret.txt",
    "/__mayros__/canvas/..%2Foutside/secret.txt",
    "/__mayros__/canvas/%2e%2e/outside/secret.txt",
    "/__mayros__/canvas/%2e%2e%2foutside%2fsecret.txt",
    "/__mayros__/canvas/sub/%2e%2e%2f%2e%2e%2foutside%2fsecret.txt",
    "/__mayros__/canvas/%252e%252e/outside/secret.txt",
    "/__mayros__/canvas/%252e%252e%252foutside%252fsecret.txt",
    "/__mayros__/canvas/..\\outside\\secret.txt",
    "/__mayros__/canvas/..%5coutside%5csecret.txt",
    "/__mayros__/canvas//etc/passwd",
    "/__mayros__/canvas/%2fetc%2fpasswd",
    "/__mayros__/canvas/%2F%2Fetc%2Fpasswd",
    "/__mayros__/canvas/evil",
    "/__mayros__/canvas/evil.html",
    "/__mayros__/canvas/evildir/secret.txt",
    "/__mayros__/canvas/evildir/",
    "/__mayros__/canvas/index.html%00.txt",
    "/__mayros__/canvas/%00",
    "/__mayros__/a2ui/..%2f..%2fetc%2fpasswd",
    "/__mayros__/a2ui/%2e%2e/%2e%2e/package.json",
  ];

  for (const path of attacks) {
    it(`should refuse ${path}`, async () => {
      const { app } = setup();
      const { res, body } = await get(app, path);
      expect(res.status).toBe(404);
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain("root:");
    });
  }

  it("should also refuse traversal behind a valid capability", async () => {
    const { app, capabilities } = setup();
    const cap = capabilities.mint("node-1");
    for (const rest of ["canvas/..%2f..%2foutside%2fsecret.txt", "canvas/%252e%252e/outside/secret.txt", "canvas/evil", "__mayros__/canvas/evildir/secret.txt"]) {
      const { res, body } = await get(app, `/__mayros__/cap/${cap}/${rest}`);
      expect(`${rest} ${res.status}`).toBe(`${rest} 404`);
      expect(body).not.toContain(SECRET);
    }
  });

  it("should serve a symlink that stays inside the root", async () => {
    const { app } = setup();
    const { res, body } = await get(app, "/__mayros__/canvas/inner-link.js");
    expect(res.status).toBe(200);
    expect(body).toContain("console.log");
  });
});

describe("createCanvasRoutes: page script", () => {
  it("should inject the reload script into HTML only when liveReload is on", async () => {
    const on = await get(setup({ liveReload: true }).app, "/__mayros__/canvas/index.html");
    expect(on.body).toContain('data-mayros="live-reload"');
    expect(on.body).toContain('"/__mayros__/ws"');
    expect(on.body.indexOf("<script")).toBeLessThan(on.body.indexOf("</body>"));
    const off = await get(setup({ liveReload: false }).app, "/__mayros__/canvas/index.html");
    expect(off.body).not.toContain("/__mayros__/ws");
    expect(off.body).not.toContain("location.reload");
    // The action bridge is there either way.
    expect(off.body).toContain("mayrosCanvasA2UIAction");
  });

  it("should never inject into non-HTML files", async () => {
    const { body } = await get(setup({ liveReload: true }).app, "/__mayros__/canvas/app.js");
    expect(body).toBe("console.log('</body>');\n");
  });

  it("should inject into HTML without a body tag at the end", async () => {
    const { body } = await get(setup({ liveReload: true }).app, "/__mayros__/canvas/nobody.html");
    expect(body.startsWith("<p>no body tag</p>\n<script")).toBe(true);
  });
});

describe("createCanvasRoutes: A2UI host", () => {
  it("should serve the bundled index.html with the bridge and a2ui.js", async () => {
    const { app } = setup({ liveReload: true });
    const page = await get(app, "/__mayros__/a2ui/");
    expect(page.res.status).toBe(200);
    expect(page.res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.body).toContain('<script src="a2ui.js"></script>');
    expect(page.body).toContain("mayrosCanvasA2UIAction");
    const js = await get(app, "/__mayros__/a2ui/a2ui.js");
    expect(js.res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.body).toContain("window.mayrosA2UI");
    expect(js.res.headers.get("cache-control")).toBe("no-store");
  });

  it("should redirect the bare prefix and 404 anything but its two files", async () => {
    const { app } = setup();
    const bare = await app.request("/__mayros__/a2ui");
    expect(bare.status).toBe(302);
    expect(bare.headers.get("location")).toBe("/__mayros__/a2ui/");
    expect((await app.request("/__mayros__/a2ui/other.js")).status).toBe(404);
  });

  it("should answer 503 when the assets are missing from the build", async () => {
    const { app } = setup({ a2uiRoot: join(fx.base, "no-assets") });
    const { res, body } = await get(app, "/__mayros__/a2ui/");
    expect(res.status).toBe(503);
    expect(JSON.parse(body)).toEqual({ error: "a2ui host assets are missing from this build" });
  });
});

describe("createCanvasRoutes: access control", () => {
  it("should answer 401 JSON when authorize says no", async () => {
    const { app } = setup({ authorize: () => false });
    for (const path of ["/__mayros__/canvas/index.html", "/__mayros__/a2ui/", "/__mayros__/canvas/missing"]) {
      const { res, body } = await get(app, path);
      expect(`${path} ${res.status}`).toBe(`${path} 401`);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(JSON.parse(body)).toEqual({ error: "unauthorized" });
    }
  });

  it("should accept an async authorize", async () => {
    expect((await setup({ authorize: async () => true }).app.request("/__mayros__/canvas/")).status).toBe(200);
    expect((await setup({ authorize: async () => false }).app.request("/__mayros__/canvas/")).status).toBe(401);
  });

  it("should serve capability URLs without consulting authorize", async () => {
    let calls = 0;
    const { app, capabilities } = setup({ authorize: () => { calls++; return false; }, liveReload: true });
    const cap = capabilities.mint("node-1");
    const short = await get(app, `/__mayros__/cap/${cap}/canvas/index.html`);
    expect(short.res.status).toBe(200);
    expect(short.body).toContain("<h1>Home</h1>");
    expect(short.body).toContain(`"/__mayros__/ws?oc_cap=${cap}"`);
    const full = await get(app, `/__mayros__/cap/${cap}/__mayros__/canvas/sub/page.html`);
    expect(full.body).toContain("sub page");
    const a2ui = await get(app, `/__mayros__/cap/${cap}/a2ui/a2ui.js`);
    expect(a2ui.res.status).toBe(200);
    expect(calls).toBe(0);
  });

  it("should keep capability redirects under the capability prefix", async () => {
    const { app, capabilities } = setup();
    const cap = capabilities.mint("node-1");
    const res = await app.request(`/__mayros__/cap/${cap}/__mayros__/canvas`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(`/__mayros__/cap/${cap}/__mayros__/canvas/`);
  });

  it("should answer 403 JSON for an unknown, malformed or expired capability", async () => {
    const { app, capabilities, advance } = setup();
    const cap = capabilities.mint("node-1");
    expect((await app.request(`/__mayros__/cap/${cap}/canvas/`)).status).toBe(200);
    advance(CAPABILITY_TTL_MS);
    for (const path of [`/__mayros__/cap/${cap}/canvas/`, "/__mayros__/cap/unknown/canvas/", "/__mayros__/cap/a.b/canvas/"]) {
      const { res, body } = await get(app, path);
      expect(`${path} ${res.status}`).toBe(`${path} 403`);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(JSON.parse(body)).toEqual({ error: "invalid or expired capability" });
    }
  });

  it("should serve with a refreshed capability after the old one expired", async () => {
    const { app, capabilities, advance } = setup();
    const old = capabilities.mint("node-1");
    advance(CAPABILITY_TTL_MS - 60_000);
    const fresh = capabilities.refresh(old)!;
    advance(2 * 60_000);
    expect((await app.request(`/__mayros__/cap/${old}/canvas/`)).status).toBe(403);
    expect((await app.request(`/__mayros__/cap/${fresh}/canvas/`)).status).toBe(200);
  });

  it("should 404 a valid capability pointing at something that is not canvas or a2ui", async () => {
    const { app, capabilities } = setup();
    const cap = capabilities.mint("node-1");
    expect((await app.request(`/__mayros__/cap/${cap}/healthz`)).status).toBe(404);
    expect((await app.request(`/__mayros__/cap/${cap}/__mayros__/ws`)).status).toBe(404);
  });
});

describe("createCanvasRoutes: mounting", () => {
  it("should mount on a gateway app without touching its other routes", async () => {
    const gateway = new Hono();
    gateway.get("/healthz", (c) => c.json({ ok: true }));
    gateway.route("/", setup().app);
    expect((await gateway.request("/healthz")).status).toBe(200);
    expect((await gateway.request("/healthz")).headers.get("cache-control")).toBeNull();
    expect((await gateway.request("/__mayros__/canvas/")).status).toBe(200);
    expect((await gateway.request("/__mayros__/other")).status).toBe(404);
    expect((await gateway.request("/__mayros__/canvasx")).status).toBe(404);
  });

  it("should reject a relative canvasRoot when created", () => {
    expect(() => setup({ canvasRoot: "canvas" })).toThrow('createCanvasRoutes: canvasRoot must be an absolute path, got "canvas"');
  });
});
