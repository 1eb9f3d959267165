/**
 * Fuzzing the real gateway with seeded random malformed frames, before and after the handshake.
 * Reproduce a failure with `FUZZ_SEED=<seed printed in the test name> bun test test/e2e/fuzz.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { ErrorCodes, ResponseFrame, matches } from "../../src/protocol/index.ts";
import { connectFrame, seededRandom } from "../helpers/e2e.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { RawWsClient, encodeFrame } from "../helpers/raw-ws.ts";
import { TestSocket, connectParams, type Frame, type HandshakeOptions } from "../helpers/ws-client.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20260906);
const PRE_FRAMES = 1200;
const POST_FRAMES = 4400;

const rnd = seededRandom(SEED);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const chance = (p: number) => rnd() < p;

const METHODS = ["connect", "health", "status", "system-presence", "system-event", "logs.tail", "config.get", "config.schema", "config.patch", "config.apply", "sessions.list", "node.invoke.result", ""];
const ALPHABET = 'abcXYZ019 _-.:/\\"\'{}[],\n\t\u0000\u007f\u00e9\u4e2d\ud83d\ude00';
const KEYS = ["type", "id", "method", "params", "__proto__", "constructor", "prototype", "raw", "baseHash", "limit", "text", "probe", "idempotencyKey", "instanceId", "x"];

/** A random string (never a lone surrogate, so the frame stays valid UTF-8). */
function randomString(max = 24): string {
  const chars = [...ALPHABET];
  let s = "";
  for (let i = int(max + 1); i > 0; i--) s += pick(chars);
  return s;
}

/** Sets an own enumerable property, even `__proto__` (plain assignment would replace the prototype). */
function put(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function randomValue(depth = 0): unknown {
  switch (int(depth > 3 ? 6 : 9)) {
    case 0: return null;
    case 1: return chance(0.5);
    case 2: return pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, -0, 4294967296]);
    case 3: return randomString();
    case 4: return int(1000);
    case 5: return pick(["req", "res", "event", "REQ", ""]);
    case 6: return Array.from({ length: int(5) }, () => randomValue(depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = int(5); i > 0; i--) put(o, pick(KEYS), randomValue(depth + 1));
      return o;
    }
  }
}

function nested(depth: number): unknown {
  let v: unknown = randomValue(3);
  for (let i = 0; i < depth; i++) v = chance(0.5) ? [v] : { [pick(KEYS)]: v };
  return v;
}

function randomId(): unknown {
  switch (int(6)) {
    case 0: return randomString(12);
    case 1: return `f${int(1e9)}`;
    case 2: return "x".repeat(1000 + int(120_000)); // huge
    case 3: return randomValue();
    case 4: return "";
    default: return `f${int(50)}`; // duplicates
  }
}

function randomParams(method: string): unknown {
  if (chance(0.3)) return randomValue();
  const fields: Record<string, unknown> = {
    "logs.tail": { limit: pick([0, 1, 5001, -3, 2.5, "10"]), cursor: randomValue() },
    "system-event": { text: randomString(), instanceId: pick(["fz", randomValue()]) },
    "config.patch": { raw: pick(["{", "{}", '{"gateway":{"port":"x"}}', randomString()]), baseHash: randomString(64) },
    "config.apply": { raw: randomString(), baseHash: randomValue() },
    health: { probe: randomValue() },
  };
  return fields[method] ?? randomValue();
}

/** One random malformed frame: text, or bytes for a binary frame. */
function randomFrame(): string | Uint8Array {
  const method = chance(0.8) ? pick(METHODS) : randomString();
  const base: Record<string, unknown> = { type: "req", id: randomId(), method, params: randomParams(method) };
  switch (int(9)) {
    case 0: return randomString(200); // random text
    case 1: return JSON.stringify(base).slice(0, int(60)); // truncated JSON
    case 2: { // one field of the wrong type, missing, or an extra one
      const f = pick(["type", "id", "method", "params", "extra", "traceparent"]);
      if (chance(0.3)) delete base[f];
      else put(base, f, randomValue());
      return JSON.stringify(base);
    }
    case 3: return JSON.stringify(nested(50 + int(2000))); // nested garbage
    case 4: return JSON.stringify({ ...base, params: nested(10 + int(300)) });
    case 5: return Uint8Array.from({ length: int(64) }, () => int(256)); // binary
    case 6: return JSON.stringify(randomValue()); // any JSON value
    case 7: return JSON.stringify({ type: "req", id: `f${int(1e6)}`, method: randomString(300), params: randomValue() });
    default: return JSON.stringify(base);
  }
}

/** The id the gateway must answer for `frame`, or null when it must stay silent (mirrors dispatch). */
function answeredId(frame: string | Uint8Array): string | null {
  if (typeof frame !== "string") return null;
  let parsed: unknown;
  try { parsed = JSON.parse(frame); } catch { return null; }
  const id = (parsed as { id?: unknown } | null)?.id;
  return typeof id === "string" && id.length > 0 ? id : null;
}

let gw: TestGateway;
const veterans: TestSocket[] = [];
beforeAll(async () => {
  gw = await startTestGateway({ gateway: { tickIntervalMs: 100, handshakeTimeoutMs: 5000 } });
  const profiles: HandshakeOptions[] = [
    { scopes: ["operator.admin"] }, { scopes: ["operator.read"] }, { scopes: ["operator.write"], minProtocol: 3, maxProtocol: 3 }, { scopes: [] },
  ];
  for (const p of profiles) {
    const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, ...p });
    expect(res.ok).toBe(true);
    veterans.push(sock);
  }
});
afterAll(async () => {
  await Promise.all(veterans.map((s) => s.close()));
  await gw.stop();
});

describe(`fuzz (seed ${SEED})`, () => {
  it(`should close every socket whose first frame is garbage, without ever authenticating (${PRE_FRAMES} frames)`, async () => {
    const outcomes: string[] = [];
    for (let start = 0; start < PRE_FRAMES; start += 50) {
      const batch = Array.from({ length: Math.min(50, PRE_FRAMES - start) }, () => {
        // Half the time, a connect with mutated params (never the right token).
        if (chance(0.5)) return randomFrame();
        const params = connectParams({ token: chance(0.5) ? randomString() : undefined }) as Record<string, any>;
        put(params, pick(["minProtocol", "client", "role", "scopes", "auth", "device", "caps", pick(KEYS)]), randomValue());
        return JSON.stringify(connectFrame(params, randomId()));
      });
      await Promise.all(batch.map(async (frame) => {
        const sock = await TestSocket.open(gw.url);
        await sock.nextEvent("connect.challenge");
        if (typeof frame === "string") sock.send(frame);
        else sock.ws.send(frame);
        const close = await sock.closed;
        const answers = sock.received.filter((f) => f.type === "res");
        expect(answers.length).toBeLessThanOrEqual(1);
        for (const a of answers) {
          expect(a.ok).toBe(false);
          expect(a.id).toBe(answeredId(frame));
        }
        expect([1002, 1008, 1009]).toContain(close.code);
        expect(close.reason).not.toBe("handshake timeout");
        outcomes.push(`${close.code}`);
      }));
    }
    expect(outcomes).toHaveLength(PRE_FRAMES);
    expect(new Set(outcomes).size).toBeGreaterThanOrEqual(3); // the mix reached 1002, 1008 and 1009
  });

  it(`should answer or ignore garbage on authenticated sockets without closing them (${POST_FRAMES} frames)`, async () => {
    const expected = new Map<TestSocket, Map<string, number>>(veterans.map((s) => [s, new Map()]));
    for (let sent = 0, round = 0; sent < POST_FRAMES; round++) {
      for (const sock of veterans) {
        for (let i = 0; i < 50; i++, sent++) {
          const frame = randomFrame();
          if (typeof frame === "string") sock.send(frame);
          else sock.ws.send(frame);
          const id = answeredId(frame);
          if (id !== null) expected.get(sock)!.set(id, (expected.get(sock)!.get(id) ?? 0) + 1);
        }
        const health = await sock.request("health", undefined, `health-check-${round}`);
        expect(health.ok).toBe(true);
      }
    }
    for (const sock of veterans) {
      const want = expected.get(sock)!;
      for (const [id, count] of want) for (let i = 0; i < count; i++) await sock.next((f) => f.type === "res" && f.id === id);
      // One more round trip: anything unexpected would have arrived by now.
      expect((await sock.request("health", undefined, "health-check-final")).ok).toBe(true);
      // Every response after hello-ok, except the health checks.
      const answers = sock.received.filter((f) => f.type === "res").slice(1).filter((f) => !String(f.id).startsWith("health-check"));
      const got = new Map<string, number>();
      for (const a of answers) {
        expect(matches(ResponseFrame, a)).toBe(true);
        if (!a.ok) expect(ErrorCodes).toContain(a.error.code);
        got.set(a.id, (got.get(a.id) ?? 0) + 1);
      }
      expect(got).toEqual(want);
      expect(sock.ws.readyState).toBe(WebSocket.OPEN);
    }
  });

  it("should survive framing-level garbage from raw clients", async () => {
    const bad = [
      () => encodeFrame(0x1, Buffer.from([0xff, 0xfe, int(256)])), // invalid UTF-8
      () => encodeFrame(pick([0x3, 0x4, 0x5, 0xb, 0xf]), Buffer.from(randomString())), // reserved opcode
      () => Buffer.from([0x81, 0x02, 0x7b, 0x7d]), // unmasked
      () => { const b = encodeFrame(0x1, Buffer.from("{}")); b[0]! |= pick([0x40, 0x20, 0x10]); return b; }, // RSV bits
      () => Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]), // absurd length
      () => encodeFrame(0x0, Buffer.from("x")), // stray continuation
      () => encodeFrame(0x9, Buffer.alloc(126 + int(100))), // oversized control frame
    ];
    for (let i = 0; i < 30; i++) {
      const client = await RawWsClient.connect(gw.url);
      await client.until(() => client.messages.length > 0); // the challenge
      if (i % 2 === 1) {
        client.sendJson(connectFrame(connectParams({ token: gw.token })));
        await client.until(() => client.messages.some((f) => f.type === "res"));
      }
      client.socket.write(bad[i % bad.length]!());
      const close = await client.closed;
      expect([1002, 1007, 1009]).toContain(close.code ?? -1);
      client.destroy();
    }
  });

  it("should still serve the old sockets and a new client afterwards", async () => {
    for (const sock of veterans) expect((await sock.request("health", undefined, "health-check-after")).ok).toBe(true);
    const { sock, res } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.read"] });
    expect(res.ok).toBe(true);
    const status = await sock.request("status", undefined, "health-check-status");
    expect(status.payload.pid).toBe(process.pid);
    expect(status.payload.connections.pending).toBe(0);
    await sock.close();
  });
});
