/**
 * The canvas host through the real gateway server: files with their headers, HEAD/404/405, path
 * traversal sent as raw request lines, the A2UI host page, live reload on a file write, capability
 * URLs from a node's hello-ok, and who may read the canvas (local, Bearer token, capability).
 */
import { afterAll, beforeAll, describe, expect, it, setSystemTime } from "bun:test";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CAPABILITY_TTL_MS } from "../../src/canvas/index.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { deviceConnect, newIdentity } from "../helpers/devices.ts";
import { rawHttp } from "../helpers/raw-http.ts";
import type { TestSocket } from "../helpers/ws-client.ts";

const SECRET = "TOPSECRET-not-for-the-canvas";
/** A client behind the trusted proxy on 127.0.0.1. */
const REMOTE = { "X-Forwarded-For": "203.0.113.7" };

let local: TestGateway;
let proxied: TestGateway;
beforeAll(async () => {
  [local, proxied] = await Promise.all([startTestGateway(), startTestGateway({ gateway: { trustedProxies: ["127.0.0.1"] } })]);
  for (const gw of [local, proxied]) {
    const canvas = join(gw.stateDir, "canvas");
    writeFileSync(join(canvas, "app.js"), "console.log('canvas app');\n");
    writeFileSync(join(canvas, "style.css"), "body { color: red; }\n");
    mkdirSync(join(canvas, "sub"));
    writeFileSync(join(canvas, "sub", "index.html"), "<html><body><p>sub page</p></body></html>");
    writeFileSync(join(gw.stateDir, "secret.txt"), SECRET);
    symlinkSync(join(gw.stateDir, "secret.txt"), join(canvas, "link.txt"));
  }
});
afterAll(async () => {
  await Promise.all([local?.stop(), proxied?.stop()]);
});

const http = (gw: TestGateway, path = "") => `${gw.url.replace(/^ws:/, "http:")}${path}`;
const portOf = (gw: TestGateway) => Number(new URL(gw.url).port);

/** A live-reload WebSocket: resolves once open with a queue of its text messages; rejects when refused. */
function openReload(url: string, headers?: Record<string, string>): Promise<{ ws: WebSocket; next(): Promise<string> }> {
  const ws = headers ? new WebSocket(url, { headers } as unknown as string[]) : new WebSocket(url);
  const queue: string[] = [];
  const waiters: Array<(m: string) => void> = [];
  ws.addEventListener("message", (ev) => {
    const text = String(ev.data);
    const waiter = waiters.shift();
    if (waiter) waiter(text);
    else queue.push(text);
  });
  const next = () => {
    const queued = queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no live-reload message within 5000 ms")), 5000);
      waiters.push((m) => { clearTimeout(timer); resolve(m); });
    });
  };
  return new Promise((resolve, reject) => {
    ws.addEventListener("open", () => resolve({ ws, next }), { once: true });
    ws.addEventListener("error", () => reject(new Error(`live-reload socket refused: ${url}`)), { once: true });
  });
}

describe("canvas files", () => {
  it("should serve a file with its content type, no-store and the canvas security headers", async () => {
    const res = await fetch(http(local, "/__mayros__/canvas/app.js"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("content-security-policy")).toContain(`connect-src 'self' ws://127.0.0.1:${portOf(local)}`);
    expect(await res.text()).toBe("console.log('canvas app');\n");
    const css = await fetch(http(local, "/__mayros__/canvas/style.css"));
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  it("should serve the default index page with the live-reload script injected", async () => {
    const res = await fetch(http(local, "/__mayros__/canvas/"));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain("Hello from your Mayros canvas");
    expect(html).toContain('<script data-mayros="live-reload">');
    expect(html).toContain('"/__mayros__/ws"');
  });

  it("should redirect a directory without its trailing slash, then serve its index.html", async () => {
    const res = await fetch(http(local, "/__mayros__/canvas/sub"), { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/__mayros__/canvas/sub/");
    const page = await fetch(http(local, "/__mayros__/canvas/sub/"));
    expect(await page.text()).toContain("<p>sub page</p>");
  });

  it("should answer HEAD with the headers and length of GET and no body", async () => {
    const get = await fetch(http(local, "/__mayros__/canvas/app.js"));
    const head = await fetch(http(local, "/__mayros__/canvas/app.js"), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(head.headers.get("content-length")).toBe(get.headers.get("content-length"));
    expect(head.headers.get("cache-control")).toBe("no-store");
    expect(await head.text()).toBe("");
  });

  it("should answer 404 for a missing file and 405 with Allow for other methods", async () => {
    const missing = await fetch(http(local, "/__mayros__/canvas/nope.html"));
    expect(missing.status).toBe(404);
    expect(missing.headers.get("cache-control")).toBe("no-store");
    expect(await missing.json()).toEqual({ error: "not found" });
    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await fetch(http(local, "/__mayros__/canvas/app.js"), { method, body: method === "DELETE" ? undefined : "x" });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("GET, HEAD");
      expect(await res.json()).toEqual({ error: "method not allowed" });
    }
  });

  it("should not follow a symlink out of the canvas root", async () => {
    const res = await fetch(http(local, "/__mayros__/canvas/link.txt"));
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain(SECRET);
  });
});

describe("path traversal through the real server (raw request lines)", () => {
  const targets = [
    "/__mayros__/canvas/../../etc/passwd",
    "/__mayros__/canvas/../secret.txt",
    "/__mayros__/canvas/../../secret.txt",
    "/__mayros__/canvas/%2e%2e/secret.txt",
    "/__mayros__/canvas/%2E%2E%2Fsecret.txt",
    "/__mayros__/canvas/..%2fsecret.txt",
    "/__mayros__/canvas/%252e%252e/secret.txt",
    "/__mayros__/canvas/%25252e%25252e/secret.txt",
    "/__mayros__/canvas/..\\secret.txt",
    "/__mayros__/canvas/%5c..%5csecret.txt",
    "/__mayros__/canvas//etc/passwd",
    "/__mayros__/canvas/%2fetc%2fpasswd",
    "/__mayros__/canvas/secret.txt%00.js",
    "/__mayros__/a2ui/%2e%2e/%2e%2e/secret.txt",
    "/__mayros__/a2ui/../../secret.txt",
  ];
  for (const target of targets) {
    it(`should refuse GET ${target} with 404 and nothing from outside the root`, async () => {
      const res = await rawHttp(portOf(local), target);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain(SECRET);
      expect(res.body).not.toContain("root:");
      expect(res.headers["content-type"]).toStartWith("application/json");
    });
  }

  it("should still serve a path whose dot segments stay inside the root", async () => {
    const res = await rawHttp(portOf(local), "/__mayros__/canvas/sub/../app.js");
    expect(res.status).toBe(200);
    expect(res.body).toBe("console.log('canvas app');\n");
  });
});

describe("the A2UI host page", () => {
  it("should serve the bundled host page and its script, and redirect the bare prefix", async () => {
    const page = await fetch(http(local, "/__mayros__/a2ui/"));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("cache-control")).toBe("no-store");
    const html = await page.text();
    expect(html).toContain("<title>Mayros A2UI</title>");
    expect(html).toContain("window.Mayros");
    const script = await fetch(http(local, "/__mayros__/a2ui/a2ui.js"));
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    const bare = await fetch(http(local, "/__mayros__/a2ui"), { redirect: "manual" });
    expect(bare.status).toBe(302);
    expect(bare.headers.get("location")).toBe("/__mayros__/a2ui/");
    expect((await fetch(http(local, "/__mayros__/a2ui/other.html"))).status).toBe(404);
  });
});

describe("live reload", () => {
  it("should send reload to a local page socket after a file in the canvas root is written", async () => {
    const { ws, next } = await openReload(`${local.url}/__mayros__/ws`);
    try {
      writeFileSync(join(local.stateDir, "canvas", "index.html"), "<html><body>changed</body></html>");
      expect(await next()).toBe("reload");
      writeFileSync(join(local.stateDir, "canvas", "sub", "index.html"), "<html><body>sub changed</body></html>");
      expect(await next()).toBe("reload");
    } finally {
      ws.close();
    }
  });

  it("should close open page sockets with 1012 when the gateway stops, without holding the stop up", async () => {
    const gw = await startTestGateway();
    const { ws } = await openReload(`${gw.url}/__mayros__/ws`);
    const closed = new Promise<number>((resolve) => ws.addEventListener("close", (ev) => resolve(ev.code)));
    const started = performance.now();
    await gw.stop();
    // A page left open would hold the stop for its whole grace period (2 s) and then be cut (1006).
    expect(performance.now() - started).toBeLessThan(1500);
    expect(await closed).toBe(1012);
  });

  it("should refuse a remote live-reload socket without a capability", async () => {
    await expect(openReload(`${proxied.url}/__mayros__/ws`, REMOTE)).rejects.toThrow("live-reload socket refused");
    await expect(openReload(`${proxied.url}/__mayros__/ws?oc_cap=AAAAAAAAAAAAAAAAAAAAAAAA`, REMOTE)).rejects.toThrow("live-reload socket refused");
  });
});

describe("capability URLs of a node", () => {
  let node: TestSocket;
  let hostUrl: string;
  beforeAll(async () => {
    const { sock, res } = await deviceConnect(proxied.url, { identity: newIdentity(), token: proxied.token, role: "node", protocol: 3 });
    expect(res.ok).toBe(true);
    node = sock;
    hostUrl = res.payload.canvasHostUrl;
  });
  afterAll(async () => { await node?.close(); });

  const capOf = (url: string) => new URL(url).pathname.split("/")[3]!;

  it("should serve the canvas and A2UI to a remote client holding the hello-ok capability", async () => {
    const page = await fetch(`${hostUrl}/__mayros__/canvas/`, { headers: REMOTE });
    expect(page.status).toBe(200);
    // The page's live-reload socket carries the capability.
    expect(await page.text()).toContain(`/__mayros__/ws?oc_cap=${capOf(hostUrl)}`);
    expect((await fetch(`${hostUrl}/__mayros__/canvas/app.js`, { headers: REMOTE })).status).toBe(200);
    expect((await fetch(`${hostUrl}/canvas/app.js`, { headers: REMOTE })).status).toBe(200);
    expect((await fetch(`${hostUrl}/__mayros__/a2ui/`, { headers: REMOTE })).status).toBe(200);
    const traversal = await rawHttp(portOf(proxied), `${new URL(hostUrl).pathname}/__mayros__/canvas/%2e%2e/secret.txt`, { headers: REMOTE });
    expect(traversal.status).toBe(404);
    expect(traversal.body).not.toContain(SECRET);
  });

  it("should admit a remote live-reload socket with the capability and send it reload", async () => {
    const { ws, next } = await openReload(`${proxied.url}/__mayros__/ws?oc_cap=${capOf(hostUrl)}`, REMOTE);
    try {
      writeFileSync(join(proxied.stateDir, "canvas", "app.js"), "console.log('v2');\n");
      expect(await next()).toBe("reload");
    } finally {
      ws.close();
    }
  });

  it("should refuse a bogus capability with 403", async () => {
    for (const cap of ["AAAAAAAAAAAAAAAAAAAAAAAA", "not a cap", `${capOf(hostUrl)}x`]) {
      const res = await fetch(http(proxied, `/__mayros__/cap/${encodeURIComponent(cap)}/__mayros__/canvas/`), { headers: REMOTE });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: "invalid or expired capability" });
    }
  });

  it("should refuse an expired capability with 403 until the node refreshes it", async () => {
    setSystemTime(new Date(Date.now() + CAPABILITY_TTL_MS + 1000));
    try {
      const expired = await fetch(`${hostUrl}/__mayros__/canvas/`, { headers: REMOTE });
      expect(expired.status).toBe(403);
      const refreshed = await node.request("node.canvas.capability.refresh", {});
      expect(refreshed.ok).toBe(true);
      const { canvasHostUrl, expiresAtMs } = refreshed.payload;
      expect(canvasHostUrl).not.toBe(hostUrl);
      expect(expiresAtMs).toBeGreaterThan(Date.now() + CAPABILITY_TTL_MS - 5000);
      expect(expiresAtMs).toBeLessThanOrEqual(Date.now() + CAPABILITY_TTL_MS);
      expect((await fetch(`${canvasHostUrl}/__mayros__/canvas/`, { headers: REMOTE })).status).toBe(200);
      hostUrl = canvasHostUrl;
    } finally {
      setSystemTime();
    }
  });

  it("should refresh on v4 with node.pluginSurface.refresh and keep the previous capability valid", async () => {
    const v4 = await deviceConnect(proxied.url, { identity: newIdentity(), token: proxied.token, role: "node" });
    try {
      const first: string = v4.res.payload.pluginSurfaceUrls.canvas;
      const refreshed = await v4.sock.request("node.pluginSurface.refresh", { surface: "canvas" });
      expect(refreshed.payload).toMatchObject({ surface: "canvas" });
      expect(refreshed.payload.url).not.toBe(first);
      for (const url of [first, refreshed.payload.url]) {
        expect((await fetch(`${url}/__mayros__/canvas/`, { headers: REMOTE })).status).toBe(200);
      }
      expect((await v4.sock.request("node.pluginSurface.refresh", { surface: "camera" })).error.code).toBe("INVALID_REQUEST");
    } finally {
      await v4.sock.close();
    }
  });

  it("should revoke a node's capabilities when it disconnects", async () => {
    const temp = await deviceConnect(proxied.url, { identity: newIdentity(), token: proxied.token, role: "node" });
    const url: string = temp.res.payload.pluginSurfaceUrls.canvas;
    expect((await fetch(`${url}/__mayros__/canvas/`, { headers: REMOTE })).status).toBe(200);
    await temp.sock.close();
    // The in-process server ran its close handler before its close reply reached this client.
    expect((await fetch(`${url}/__mayros__/canvas/`, { headers: REMOTE })).status).toBe(403);
  });

  it("should refuse the refresh methods to operators", async () => {
    const op = await deviceConnect(proxied.url, { identity: newIdentity(), token: proxied.token, scopes: ["operator.admin"] });
    const res = await op.sock.request("node.canvas.capability.refresh", {});
    expect(res.error.code).toBe("INVALID_REQUEST");
    expect(res.error.message).toBe("unauthorized role: operator");
    await op.sock.close();
  });
});

describe("who may read the canvas", () => {
  it("should open the canvas to local clients of a loopback gateway", async () => {
    for (const gw of [local, proxied]) expect((await fetch(http(gw, "/__mayros__/canvas/app.js"))).status).toBe(200);
  });

  it("should need the gateway token as a Bearer credential from a remote client", async () => {
    const url = http(proxied, "/__mayros__/canvas/app.js");
    const anonymous = await fetch(url, { headers: REMOTE });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: "unauthorized" });
    expect((await fetch(url, { headers: { ...REMOTE, Authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
    expect((await fetch(url, { headers: { ...REMOTE, Authorization: `Basic ${btoa(`x:${proxied.token}`)}` } })).status).toBe(401);
    const bearer = await fetch(url, { headers: { ...REMOTE, Authorization: `Bearer ${proxied.token}` } });
    expect(bearer.status).toBe(200);
    expect(await bearer.text()).toContain("console.log");
    expect((await fetch(http(proxied, "/__mayros__/a2ui/"), { headers: REMOTE })).status).toBe(401);
  });

  it("should treat proxy headers from an untrusted source as remote", async () => {
    const res = await fetch(http(local, "/__mayros__/canvas/app.js"), { headers: REMOTE });
    expect(res.status).toBe(401);
    expect((await fetch(http(local, "/__mayros__/canvas/app.js"), { headers: { ...REMOTE, Authorization: `Bearer ${local.token}` } })).status).toBe(200);
  });
});
