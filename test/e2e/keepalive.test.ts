/** WebSocket pings after auth: live peers stay connected across many rounds, peers that never answer are terminated. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { RawWsClient } from "../helpers/raw-ws.ts";
import { TestSocket, connectParams, type Frame } from "../helpers/ws-client.ts";

const PING_MS = 100;
const TICK_MS = 40;

let gw: TestGateway;
const cleanup: Array<() => unknown> = [];
beforeAll(async () => { gw = await startTestGateway({ gateway: { pingIntervalMs: PING_MS, tickIntervalMs: TICK_MS, handshakeTimeoutMs: 5000 } }); });
afterAll(async () => {
  for (const fn of cleanup) await fn();
  await gw.stop();
});

async function rawClient(instanceId: string, answerPings: boolean, handshake = true): Promise<RawWsClient> {
  const client = await RawWsClient.connect(gw.url, { answerPings });
  cleanup.push(() => client.destroy());
  await client.until(() => client.messages.length > 0); // the challenge
  if (handshake) await connect(client, instanceId);
  return client;
}

async function connect(client: RawWsClient, instanceId: string): Promise<void> {
  client.sendJson({ type: "req", id: "hello", method: "connect", params: connectParams({ token: gw.token, scopes: ["operator.read"], client: { instanceId } }) });
  await client.until(() => client.messages.some((f) => f.id === "hello"));
}

/** Awaits ticks on `sock` until `ms` of gateway time have passed since the first one. */
async function ticksFor(sock: TestSocket, ms: number): Promise<Frame[]> {
  const ticks = [await sock.nextEvent("tick")];
  while (ticks.at(-1)!.payload.ts - ticks[0]!.payload.ts < ms) ticks.push(await sock.nextEvent("tick"));
  return ticks;
}

describe("keepalive", () => {
  it("should keep a normal WebSocket client (which answers pings itself) connected across several ping rounds", async () => {
    const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.read"] });
    expect(res.ok).toBe(true);
    cleanup.push(() => sock.close());
    const ticks = await ticksFor(sock, 4 * PING_MS);
    expect(ticks.length).toBeGreaterThanOrEqual(4);
    expect(sock.ws.readyState).toBe(WebSocket.OPEN);
    expect((await sock.request("health")).ok).toBe(true);
  });

  it("should ping an authenticated raw client every interval and keep it while it answers", async () => {
    const client = await rawClient("pong-ok", true);
    await client.until(() => client.pings >= 4, 5000);
    client.sendJson({ type: "req", id: "h", method: "health" });
    await client.until(() => client.messages.some((f) => f.id === "h"));
    expect(client.messages.find((f) => f.id === "h")!.ok).toBe(true);
  });

  it("should terminate a peer that never answers a ping, without a close frame, and drop its presence", async () => {
    const { sock: watcher } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.read"] });
    cleanup.push(() => watcher.close());
    const client = await rawClient("deaf", false);
    const joinedAt = Date.now();
    await watcher.next((f) => f.event === "presence" && f.payload.presence.some((r: Frame) => r.instanceId === "deaf"));
    expect(await client.closed).toEqual({ code: null, reason: "" });
    expect(client.pings).toBeGreaterThanOrEqual(1);
    // Pinged at one round, terminated at the next: within about two intervals.
    expect(Date.now() - joinedAt).toBeLessThan(10 * PING_MS);
    const left = await watcher.next((f) => f.event === "presence" && !f.payload.presence.some((r: Frame) => r.instanceId === "deaf"));
    expect(left.stateVersion.presence).toBeGreaterThan(0);
  });

  it("should not ping a socket before its handshake, and start once it is authenticated", async () => {
    const { sock: clock } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: [] });
    cleanup.push(() => clock.close());
    const client = await rawClient("late", true, false);
    await ticksFor(clock, 3 * PING_MS);
    expect(client.pings).toBe(0);
    await connect(client, "late");
    await client.until(() => client.pings >= 2, 5000);
    expect(client.messages.find((f) => f.id === "hello")!.ok).toBe(true);
  });
});
