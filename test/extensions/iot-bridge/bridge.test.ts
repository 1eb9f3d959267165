/**
 * @module The bridge's background poll on hand-driven timers against two loopback fake nodes: the first poll at
 * start sees one online; the next is scheduled only once that one ended; when the timer fires after the dead node
 * came back, that one poll sees it online; the prompt summary follows, and is empty with `injectContext` off.
 */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, it } from "bun:test";
import { IotBridge } from "../../../src/extensions/iot-bridge/bridge.ts";
import { readIotConfig } from "../../../src/extensions/iot-bridge/config.ts";
import { CircuitBreaker } from "../../../src/plugins/circuit-breaker.ts";
import { startAingleFake } from "../../fakes/aingle-fake.ts";
import { manualTimers } from "./manual-timers.ts";

const live = startAingleFake({ nodeId: "live" });
const dead = startAingleFake({ nodeId: "dead" });
await dead.down("close");
afterAll(() => Promise.all([live.stop(), dead.stop()]));

/** A bridge over the two fakes, on an in-memory database and manual timers. */
function bridge(injectContext = true) {
  const t = manualTimers();
  const config = readIotConfig({
    nodes: [{ id: "live", host: "127.0.0.1", port: live.port }, { id: "dead", host: "127.0.0.1", port: dead.port }],
    pollIntervalMs: 5000, injectContext, maxNodes: 50,
    resilience: { timeoutMs: 1000, maxRetries: 0, retryDelayMs: 0, maxRetryDelayMs: 0, circuitThreshold: 5, circuitResetMs: 30_000, halfOpenSuccesses: 2 },
  });
  const db = new Database(":memory:");
  return { t, b: new IotBridge(config, () => db, (options) => new CircuitBreaker(options), { timers: t.timers }) };
}

describe("IotBridge polling", () => {
  it("should poll at start, schedule the next poll after it, and see a node back online at that next poll", async () => {
    const { t, b } = bridge();
    const first = b.nextPoll();
    b.start();
    expect(t.pending.size).toBe(0); // the first poll is still running: nothing scheduled beside it
    await first;
    expect(b.summary()).toBe("[IoT fleet: 1/2 online. Online: live. Offline: dead.]");
    expect([...t.pending.values()].map((p) => p.ms)).toEqual([5000]);
    dead.up();
    const next = b.nextPoll();
    t.fire();
    await next;
    expect(b.summary()).toBe("[IoT fleet: 2/2 online. Online: live, dead.]");
    expect(b.fleet.get("dead")).toMatchObject({ online: true, info: { node_id: "dead" } });
    await b.stop();
    expect(t.pending.size).toBe(0);
  });

  it("should give no summary with injectContext off", async () => {
    const { b } = bridge(false);
    b.start();
    await b.stop();
    expect(b.fleet.list()).toHaveLength(2);
    expect(b.summary()).toBe("");
  });
});
