/**
 * The browser Origin check of the control-plane WebSocket: a page from a foreign origin is refused
 * with HTTP 403 at the upgrade; the gateway's own host and `gateway.controlUi.allowedOrigins` are
 * admitted; programs that send no Origin are unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { isOriginAllowed } from "../../src/gateway/control-ui/origin.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { rawHttp } from "../helpers/raw-http.ts";
import { TestSocket } from "../helpers/ws-client.ts";

let gw: TestGateway;
let port: number;
beforeAll(async () => {
  gw = await startTestGateway({ gateway: { controlUi: { allowedOrigins: ["https://admin.example.com"] } } });
  port = gw.gateway.port;
});
afterAll(async () => { await gw.stop(); });

const UPGRADE = { Upgrade: "websocket", Connection: "Upgrade", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==" };

describe("WebSocket Origin check", () => {
  it("should refuse an upgrade from a foreign Origin with 403 naming the origin and the setting", async () => {
    for (const path of ["/", "/ws"]) {
      const res = await rawHttp(port, path, { headers: { ...UPGRADE, Host: `127.0.0.1:${port}`, Origin: "http://evil.example" } });
      expect(res.status).toBe(403);
      expect(res.body).toBe("origin not allowed: http://evil.example (a browser page may connect only from this gateway's own host, or from an origin listed in gateway.controlUi.allowedOrigins)\n");
    }
    // A page on another port of the same machine is another origin too.
    const otherPort = await rawHttp(port, "/", { headers: { ...UPGRADE, Host: `127.0.0.1:${port}`, Origin: `http://127.0.0.1:${port + 1}` } });
    expect(otherPort.status).toBe(403);
    await expect(TestSocket.open(gw.url, { Origin: "https://evil.example" })).rejects.toThrow();
  });

  it("should accept a page served by the gateway itself and connect it", async () => {
    const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, headers: { Origin: `http://127.0.0.1:${port}` } });
    expect(res.ok).toBe(true);
    await sock.close();
  });

  it("should accept an origin listed in gateway.controlUi.allowedOrigins", async () => {
    const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, headers: { Origin: "https://admin.example.com" } });
    expect(res.ok).toBe(true);
    await sock.close();
  });

  it("should leave clients that send no Origin alone", async () => {
    const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token });
    expect(res.ok).toBe(true);
    await sock.close();
  });
});

describe("isOriginAllowed", () => {
  it("should compare scheme-less host:port with the Host header, case-insensitively", () => {
    expect(isOriginAllowed("http://LOCALHOST:18789", "localhost:18789", [])).toBe(true);
    expect(isOriginAllowed("https://gw.example", "gw.example", [])).toBe(true);
    expect(isOriginAllowed("https://gw.example:443", "gw.example", [])).toBe(true);
    expect(isOriginAllowed("http://gw.example:8080", "gw.example", [])).toBe(false);
    expect(isOriginAllowed("http://gw.example", null, [])).toBe(false);
  });

  it("should refuse opaque and non-web origins unless the exact origin is allowed", () => {
    expect(isOriginAllowed("null", "127.0.0.1:1", ["null"])).toBe(false);
    expect(isOriginAllowed("file://", "127.0.0.1:1", [])).toBe(false);
    expect(isOriginAllowed("chrome-extension://abc", "abc", [])).toBe(false);
    expect(isOriginAllowed("https://admin.example.com", "127.0.0.1:1", ["https://admin.example.com/"])).toBe(true);
    expect(isOriginAllowed("https://admin.example.com.evil", "127.0.0.1:1", ["https://admin.example.com"])).toBe(false);
    expect(isOriginAllowed(null, "127.0.0.1:1", [])).toBe(true);
  });
});
