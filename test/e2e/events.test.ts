/** Server events: challenge, tick, presence, per-connection seq and scope guards, against a real gateway. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { EventFrame, matches } from "../../src/protocol/index.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket, type Frame, type HandshakeOptions } from "../helpers/ws-client.ts";

const TICK_MS = 40;

let gw: TestGateway;
const socks: TestSocket[] = [];
beforeAll(async () => { gw = await startTestGateway({ gateway: { tickIntervalMs: TICK_MS } }); });
afterAll(async () => {
  await Promise.all(socks.map((s) => s.close()));
  await gw.stop();
});

async function client(opts: HandshakeOptions): Promise<TestSocket> {
  const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, ...opts });
  expect(res.ok).toBe(true);
  socks.push(sock);
  return sock;
}

const events = (sock: TestSocket): Frame[] => sock.received.filter((f) => f.type === "event" && f.event !== "connect.challenge");
const hasInstance = (f: Frame, instanceId: string) => f.payload.presence.some((r: Frame) => r.instanceId === instanceId);

describe("events: connect.challenge", () => {
  it("should send a nonce, an integer ts and capabilities first, without seq", async () => {
    const before = Date.now();
    const sock = await TestSocket.open(gw.url);
    const challenge = await sock.next();
    expect(challenge).toEqual({ type: "event", event: "connect.challenge", payload: { nonce: expect.any(String), ts: expect.any(Number), capabilities: [] } });
    expect(challenge.payload.nonce).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number.isSafeInteger(challenge.payload.ts)).toBe(true);
    expect(challenge.payload.ts).toBeGreaterThanOrEqual(before);
    expect(challenge.payload.ts).toBeLessThanOrEqual(Date.now());
    const other = await TestSocket.open(gw.url);
    expect((await other.next()).payload.nonce).not.toBe(challenge.payload.nonce);
    await sock.close();
    await other.close();
  });
});

describe("events: tick", () => {
  it("should tick every tickIntervalMs with an integer ts and a seq", async () => {
    const sock = await client({ scopes: ["operator.read"] });
    const a = await sock.nextEvent("tick");
    const b = await sock.nextEvent("tick");
    expect(matches(EventFrame, a)).toBe(true);
    expect(Object.keys(a.payload)).toEqual(["ts"]);
    expect(Number.isInteger(b.payload.ts)).toBe(true);
    expect(b.payload.ts - a.payload.ts).toBeGreaterThanOrEqual(TICK_MS - 5);
    expect(b.seq).toBeGreaterThan(a.seq);
  });
});

describe("events: seq", () => {
  it("should start at 1 and grow by exactly 1 per delivered event across a burst", async () => {
    const reader = await client({ scopes: ["operator.read"], client: { instanceId: "seq-reader" } });
    const admin = await client({ scopes: ["operator.admin"], client: { instanceId: "seq-admin" } });
    const calls: Promise<Frame>[] = [];
    for (let i = 0; i < 200; i++) calls.push(admin.request("system-event", { text: `burst ${i}`, instanceId: "seq-burst" }));
    const results = await Promise.all(calls);
    expect(results.every((r) => r.ok)).toBe(true);
    const lastOf = (sock: TestSocket) => sock.next((f) => f.event === "presence" && f.payload.presence.some((r: Frame) => r.text === "burst 199"));
    await Promise.all([lastOf(reader), lastOf(admin)]);
    // Ticks keep being numbered in the same sequence after the burst.
    const afterBurst = Date.now();
    for (const sock of [reader, admin]) while ((await sock.nextEvent("tick")).payload.ts < afterBurst);

    for (const [sock, presences] of [[reader, 202], [admin, 201]] as const) {
      const seqs = events(sock).map((f) => f.seq);
      expect(events(sock).filter((f) => f.event === "presence")).toHaveLength(presences);
      expect(seqs.length).toBeGreaterThan(presences);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }
    const readerEvents = events(reader);
    expect(readerEvents.filter((f) => f.event === "presence").length).toBeGreaterThanOrEqual(201);
    expect(readerEvents.some((f) => f.event === "tick")).toBe(true);
    // Each system-event bumped stateVersion.presence by one.
    const burst = readerEvents.filter((f) => f.event === "presence" && f.payload.presence.some((r: Frame) => r.instanceId === "seq-burst"));
    const versions = burst.map((f) => f.stateVersion.presence);
    expect(versions).toEqual(versions.map((_, i) => versions[0] + i));
    expect(versions).toHaveLength(200);
  });
});

describe("events: presence", () => {
  it("should announce another client's connect and disconnect with stateVersion.presence incremented", async () => {
    const watcher = await client({ scopes: ["operator.read"], client: { instanceId: "watcher" } });
    const own = await watcher.next((f) => f.event === "presence" && hasInstance(f, "watcher"));
    expect(own.seq).toBe(1);
    const base = own.stateVersion.presence;

    const { sock: visitor } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: [], client: { instanceId: "visitor", displayName: "Visitor" } });
    const joined = await watcher.next((f) => f.event === "presence" && hasInstance(f, "visitor"));
    expect(joined.stateVersion).toEqual({ presence: base + 1, health: expect.any(Number) });
    expect(joined.payload.presence.find((r: Frame) => r.instanceId === "visitor")).toMatchObject({
      host: "Visitor", mode: "test", clientId: "test", roles: ["operator"], scopes: [], reason: "connect",
    });

    await visitor.close();
    const left = await watcher.next((f) => f.event === "presence" && !hasInstance(f, "visitor"));
    expect(left.stateVersion.presence).toBe(base + 2);
    // Ticks may interleave, but the watcher's seq never skips.
    expect(left.seq).toBeGreaterThan(joined.seq);
    const seqs = events(watcher).map((f) => f.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it("should not announce cli or probe clients", async () => {
    const watcher = await client({ scopes: ["operator.read"], client: { instanceId: "watcher-2" } });
    await watcher.next((f) => f.event === "presence" && hasInstance(f, "watcher-2"));
    const { sock: cli } = await TestSocket.handshake(gw.url, { token: gw.token, client: { id: "cli", mode: "cli", instanceId: "a-cli" } });
    await cli.close();
    // A tracked client joining afterwards: if cli had been announced, its presence would come first.
    const { sock: marker } = await TestSocket.handshake(gw.url, { token: gw.token, client: { instanceId: "marker" } });
    await watcher.next((f) => f.event === "presence" && hasInstance(f, "marker"));
    expect(events(watcher).some((f) => f.event === "presence" && hasInstance(f, "a-cli"))).toBe(false);
    await marker.close();
  });

  it("should give a client without operator.read ticks but no presence", async () => {
    const blind = await client({ scopes: [], client: { instanceId: "blind" } });
    const seer = await client({ scopes: ["operator.read"], client: { instanceId: "seer" } });
    const { sock: visitor } = await TestSocket.handshake(gw.url, { token: gw.token, client: { instanceId: "visitor-2" } });
    await seer.next((f) => f.event === "presence" && hasInstance(f, "visitor-2"));
    await visitor.close();
    await seer.next((f) => f.event === "presence" && !hasInstance(f, "visitor-2"));
    // Ticks broadcast after those presence events: per-socket order means any presence would already be here.
    const seerTick = await seer.nextEvent("tick");
    let tick = await blind.nextEvent("tick");
    while (tick.payload.ts < seerTick.payload.ts) tick = await blind.nextEvent("tick");
    const got = events(blind);
    expect(got.length).toBeGreaterThan(0);
    expect(got.every((f) => f.event === "tick")).toBe(true);
    expect(got.map((f) => f.seq)).toEqual(got.map((_, i) => i + 1));
  });
});
