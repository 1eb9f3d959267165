/**
 * Slow consumers, with a raw TCP client that stops reading: droppable events are skipped past
 * gateway.maxBufferedBytes (their seq still consumed), the socket is closed 1008 "slow consumer"
 * past twice that, and the gateway's memory stays bounded while other clients are served.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import type { Connection } from "../../src/gateway/connection.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { RawWsClient } from "../helpers/raw-ws.ts";
import { TestSocket, connectParams, type Frame, type HandshakeOptions } from "../helpers/ws-client.ts";

const SOFT = 256 * 1024;
const HARD = 2 * SOFT;

let gw: TestGateway;
const cleanup: Array<() => unknown> = [];
beforeAll(async () => { gw = await startTestGateway({ gateway: { maxBufferedBytes: SOFT, tickIntervalMs: 600_000 } }); });
afterAll(async () => {
  for (const fn of cleanup) await fn();
  await gw.stop();
});

async function observer(instanceId: string): Promise<TestSocket> {
  const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.read"], client: { instanceId } });
  expect(res.ok).toBe(true);
  cleanup.push(() => sock.close());
  return sock;
}

/** A raw client that completed its handshake (and whose own connect presence is its seq 1). */
async function rawClient(opts: HandshakeOptions): Promise<RawWsClient> {
  const client = await RawWsClient.connect(gw.url);
  cleanup.push(() => client.destroy());
  client.sendJson({ type: "req", id: "hello", method: "connect", params: connectParams({ token: gw.token, ...opts }) });
  await client.until(() => client.messages.some((f) => f.id === "hello"));
  expect(client.messages.find((f) => f.id === "hello")!.ok).toBe(true);
  return client;
}

/** The server side of a connection, found by its client instance id (white-box, to read Bun's buffered amount). */
function serverConn(instanceId: string): Connection {
  const conn = [...gw.gateway.services.registry.open()].find((c) => c.identity?.client.instanceId === instanceId);
  if (!conn) throw new Error(`no open connection ${instanceId}`);
  return conn;
}

/**
 * Pipelines pairs `from`..`to - 1`: a config.schema request (~5 KB non-droppable response) and a
 * system-event that broadcasts a (droppable) presence event, whose row text names the pair.
 */
function sendPairs(client: RawWsClient, from: number, to: number, row: string): void {
  const frames: unknown[] = [];
  for (let i = from; i < to; i++) {
    frames.push({ type: "req", id: `q${i}`, method: "config.schema" });
    frames.push({ type: "req", id: `e${i}`, method: "system-event", params: { text: `${row}:${i}`, instanceId: row } });
  }
  client.sendJsonBatch(frames);
}

const ids = (messages: Frame[], prefix: string) => messages.filter((f) => f.type === "res" && f.id.startsWith(prefix)).map((f) => f.id);
const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
/** The burst presence events a client got, as [pair index, seq]. */
function burstPresence(messages: Frame[], row: string): Array<[number, number]> {
  return messages
    .filter((f) => f.event === "presence")
    .map((f) => [f.payload.presence.find((r: Frame) => r.instanceId === row)?.text, f.seq] as const)
    .filter(([text]) => typeof text === "string")
    .map(([text, seq]) => [Number((text as string).split(":")[1]), seq]);
}

describe("slow consumer", () => {
  it("should skip droppable events past maxBufferedBytes without closing, still consuming their seq", async () => {
    const watch = await observer("watch-a");
    const slow = await rawClient({ scopes: ["operator.admin"], client: { instanceId: "slow-a" } });
    const conn = serverConn("slow-a");
    slow.pause();
    let n = 0;
    const step = async (pairs: number) => {
      sendPairs(slow, n, n + pairs, "row-a");
      n += pairs;
      const last = `row-a:${n - 1}`;
      // The watcher sees the last pair's presence once the gateway has processed it.
      await watch.next((f) => f.event === "presence" && f.payload.presence.some((r: Frame) => r.text === last));
    };
    // The kernel socket buffers absorb a few MB before Bun has to buffer anything.
    while (conn.ws.getBufferedAmount() === 0) await step(20);
    while (conn.ws.getBufferedAmount() <= SOFT) await step(1);
    expect(conn.ws.getBufferedAmount()).toBeLessThan(HARD);
    const skippedBefore = conn.droppedEvents;
    await step(3); // three more broadcasts while over the soft limit: all skipped, responses still queued
    expect(conn.droppedEvents).toBe(skippedBefore + 3);
    expect(conn.state).toBe("open");

    slow.resume();
    slow.sendJson({ type: "req", id: "after", method: "health" });
    await slow.until(() => slow.messages.some((f) => f.id === "after"));
    // Every response arrived, in order: nothing non-droppable was lost.
    expect(ids(slow.messages, "q")).toEqual(range("q", n));
    expect(ids(slow.messages, "e")).toEqual(range("e", n));
    // Presence of pair i carries seq i + 2 (seq 1 was its own connect), so skipped ones left gaps.
    const got = burstPresence(slow.messages, "row-a");
    expect(got.length).toBeLessThanOrEqual(n - skippedBefore - 3);
    for (const [i, seq] of got) expect(seq).toBe(i + 2);

    // Drained again: the next broadcast is delivered, numbered after everything that was skipped.
    slow.sendJson({ type: "req", id: "final", method: "system-event", params: { text: `row-a:${n}`, instanceId: "row-a" } });
    await slow.until(() => slow.messages.some((f) => f.event === "presence" && f.seq === n + 2));
    expect(burstPresence(slow.messages, "row-a").at(-1)).toEqual([n, n + 2]);
    expect(conn.state).toBe("open");
  });

  it("should close 1008 'slow consumer' past 2× maxBufferedBytes and keep memory bounded while serving others", async () => {
    const watch = await observer("watch-b");
    const slow = await rawClient({ scopes: ["operator.admin"], client: { instanceId: "slow-b" } });
    slow.pause();
    Bun.gc(true);
    const rssBefore = process.memoryUsage().rss;
    const gone = watch.next((f) => f.event === "presence" && !f.payload.presence.some((r: Frame) => r.instanceId === "slow-b"), 20_000);
    // ~22k × 5 KB ≈ 110 MB of responses asked for by a client that reads none of them.
    const PAIRS = 22_000;
    for (let i = 0; i < PAIRS; i += 1000) sendPairs(slow, i, i + 1000, "row-b");
    await gone;

    const health = await watch.request("health");
    expect(health.ok).toBe(true);
    Bun.gc(true);
    const grownMiB = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
    expect(grownMiB).toBeLessThan(48);

    // The gateway logged what it had buffered when it gave up: just under the hard limit.
    const tail = await watch.request("logs.tail", { limit: 200 });
    const line = (tail.payload.lines as string[]).map((l) => JSON.parse(l)).find((r) => r.msg === "slow consumer closed");
    expect(line).toBeDefined();
    expect(line.buffered).toBeLessThanOrEqual(HARD);
    // It closed because the next frame did not fit: the gap is less than the largest frame (a config.schema response).
    const schemaFrame = JSON.stringify({ type: "res", id: `q${PAIRS}`, ok: true, payload: (await watch.request("config.schema")).payload }).length;
    expect(line.buffered).toBeGreaterThan(HARD - schemaFrame);

    slow.resume();
    expect(await slow.closed).toEqual({ code: 1008, reason: "slow consumer" });
    const q = ids(slow.messages, "q");
    const e = ids(slow.messages, "e");
    expect(q.length).toBeGreaterThan(100);
    expect(q.length).toBeLessThan(PAIRS);
    expect(q).toEqual(range("q", q.length));
    expect(e).toEqual(range("e", e.length));
    // Droppable events were skipped before the close; every delivered one kept its number.
    const got = burstPresence(slow.messages, "row-b");
    expect(got.length).toBeLessThan(e.length);
    for (const [i, seq] of got) expect(seq).toBe(i + 2);

    // The watcher, a normal reader, missed nothing.
    const seqs = watch.received.filter((f) => f.type === "event" && f.seq !== undefined).map((f) => f.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const { sock: fresh, res } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.read"] });
    expect(res.ok).toBe(true);
    await fresh.close();
  });
});
