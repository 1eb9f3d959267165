/** The HTTP side of the gateway port: health and readiness probes, 404s, and non-upgrade requests to the WebSocket paths. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { Socket } from "node:net";
import { httpUrl } from "../helpers/e2e.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket } from "../helpers/ws-client.ts";

let gw: TestGateway;
let base: string;
beforeAll(async () => {
  gw = await startTestGateway({ gateway: { tickIntervalMs: 60_000 } });
  base = httpUrl(gw);
});
afterAll(async () => { await gw.stop(); });

describe("http", () => {
  it("should answer GET /healthz with 200 JSON {ok: true}", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    const body = await res.json();
    expect(body).toEqual({ ok: true, status: "serving", version: gw.gateway.services.version, uptimeMs: expect.any(Number) });
  });

  it("should answer GET /readyz with 200 {ready: true} once started", async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ready: true });
  });

  it("should answer an unknown path with a JSON 404", async () => {
    const res = await fetch(`${base}/nope/here?x=1`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toStartWith("application/json");
    expect(await res.json()).toEqual({ error: "not found", path: "/nope/here" });
  });

  it("should treat a plain GET of / (the control UI page) or /ws (404) as HTTP, not as a WebSocket, and keep running", async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const ws = await fetch(`${base}/ws`);
    expect(ws.status).toBe(404);
    expect(await ws.json()).toEqual({ error: "not found", path: "/ws" });
    const post = await fetch(`${base}/`, { method: "POST", body: "{}" });
    expect(post.status).toBe(404);
    const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token });
    expect(res.ok).toBe(true);
    await sock.close();
  });

  it("should not upgrade WebSockets on other paths", async () => {
    await expect(TestSocket.open(`${gw.url}/elsewhere`)).rejects.toThrow();
    const ws = await TestSocket.open(`${gw.url}/ws`);
    expect((await ws.nextEvent("connect.challenge")).payload.nonce).toBeString();
    await ws.close();
  });

  it("should answer a request with a bogus Upgrade header as plain HTTP", async () => {
    const res = await fetch(`${base}/healthz`, { headers: { Upgrade: "websocket", Connection: "Upgrade" } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
  });
});

describe("http: malformed requests", () => {
  it("should answer a malformed Host header with 400 and keep serving", async () => {
    const gw = await startTestGateway();
    try {
      const port = Number(new URL(gw.url).port);
      const reply = await new Promise<string>((resolve, reject) => {
        let text = "";
        const socket = new Socket();
        socket.on("data", (c: Buffer) => { text += c.toString("latin1"); });
        socket.on("error", reject);
        socket.on("close", () => resolve(text));
        socket.connect(port, "127.0.0.1", () => socket.write("GET /healthz HTTP/1.1\r\nHost: [bad\r\nConnection: close\r\n\r\n"));
      });
      expect(reply).toStartWith("HTTP/1.1 400");
      expect((await fetch(`${httpUrl(gw)}/healthz`)).status).toBe(200);
    } finally {
      await gw.stop();
    }
  });
});
