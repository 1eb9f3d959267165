/** Graceful shutdown: every open client gets `shutdown` then a 1012 close, and the port stops answering. */
import { describe, expect, it } from "bun:test";
import { httpUrl } from "../helpers/e2e.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { deviceConnect, newIdentity } from "../helpers/devices.ts";
import { TestSocket, type HandshakeOptions } from "../helpers/ws-client.ts";

describe("shutdown", () => {
  it("should send shutdown {reason, restartExpectedMs} to every open client, then close 1012", async () => {
    const gw = await startTestGateway({ gateway: { tickIntervalMs: 60_000 } });
    try {
      const profiles: HandshakeOptions[] = [
        { scopes: ["operator.admin"] },
        { scopes: ["operator.read"], minProtocol: 3, maxProtocol: 3 },
        { scopes: [] },
      ];
      const clients = await Promise.all(profiles.map(async (p) => (await TestSocket.handshake(gw.url, { token: gw.token, ...p })).sock));
      clients.push((await deviceConnect(gw.url, { identity: newIdentity(), token: gw.token, role: "node" })).sock);
      const pending = await TestSocket.open(gw.url); // still in its handshake
      await pending.nextEvent("connect.challenge");

      const stopped = gw.gateway.stop("maintenance", 5000);
      expect(gw.gateway.stop("again")).toBe(stopped); // idempotent
      for (const sock of clients) {
        const shutdown = await sock.nextEvent("shutdown");
        expect(shutdown.payload).toEqual({ reason: "maintenance", restartExpectedMs: 5000 });
        expect(Number.isInteger(shutdown.seq)).toBe(true);
        expect(await sock.closed).toEqual({ code: 1012, reason: "service restart" });
        expect(sock.received.at(-1)).toBe(shutdown); // nothing after it
      }
      expect(await pending.closed).toEqual({ code: 1012, reason: "service restart" });
      expect(pending.received.some((f) => f.event === "shutdown")).toBe(false);
      await stopped;

      await expect(fetch(`${httpUrl(gw)}/healthz`)).rejects.toThrow();
      await expect(TestSocket.open(gw.url)).rejects.toThrow();
    } finally {
      await gw.stop();
    }
  });

  it("should omit restartExpectedMs when none is given", async () => {
    const gw = await startTestGateway({ gateway: { tickIntervalMs: 60_000 } });
    try {
      const { sock } = await TestSocket.handshake(gw.url, { token: gw.token });
      expect((await fetch(`${httpUrl(gw)}/readyz`)).status).toBe(200);
      const stopped = gw.gateway.stop("bye");
      const shutdown = await sock.nextEvent("shutdown");
      expect(shutdown.payload).toEqual({ reason: "bye" });
      expect((await sock.closed).code).toBe(1012);
      await stopped;
      await expect(fetch(`${httpUrl(gw)}/readyz`)).rejects.toThrow();
    } finally {
      await gw.stop();
    }
  });
});
