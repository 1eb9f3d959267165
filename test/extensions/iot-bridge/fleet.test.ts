/**
 * @module The fleet against two loopback fake nodes, with a fake clock and no real sleeps: polling marks one online
 * and one offline; calls to the dead node open its breaker and then fail fast without a request while the other
 * keeps answering; the dead node, back, is online at the next poll and its breaker closes; the registry — seeded
 * once from the config, changed at run time — survives reopening the database.
 */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readIotConfig, type IotConfig } from "../../../src/extensions/iot-bridge/config.ts";
import { Fleet } from "../../../src/extensions/iot-bridge/fleet.ts";
import { fleetSummary } from "../../../src/extensions/iot-bridge/render.ts";
import { CircuitBreaker, CircuitOpenError } from "../../../src/plugins/circuit-breaker.ts";
import { startAingleFake } from "../../fakes/aingle-fake.ts";

const live = startAingleFake({ nodeId: "live" });
const dead = startAingleFake({ nodeId: "dead" });
await dead.down("refuse");
const dir = mkdtempSync(join(tmpdir(), "mayros-iot-fleet-"));
afterAll(async () => {
  await Promise.all([live.stop(), dead.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

const clock = { now: 1_700_000_000_000 };
const slept: number[] = [];

/** The plugin config as the host hands it over (defaults filled), with the two fakes as nodes. */
function config(over: Record<string, unknown> = {}): IotConfig {
  return readIotConfig({
    nodes: [{ id: "live", host: "127.0.0.1", port: live.port, label: "Greenhouse" }, { id: "dead", host: "127.0.0.1", port: dead.port }],
    pollIntervalMs: 30_000, injectContext: true, maxNodes: 3,
    resilience: { timeoutMs: 1000, maxRetries: 2, retryDelayMs: 300, maxRetryDelayMs: 60_000, circuitThreshold: 5, circuitResetMs: 30_000, halfOpenSuccesses: 2 },
    ...over,
  });
}

const open = (c = config()) => {
  const db = new Database(join(dir, "data.db"));
  const fleet = new Fleet(c, () => db, (options) => new CircuitBreaker(options), { now: () => clock.now, sleep: async (ms) => void slept.push(ms), random: () => 0 });
  fleet.open();
  return { fleet, db };
};

describe("Fleet", () => {
  const { fleet, db } = open();

  it("should seed the config nodes, not yet polled", () => {
    expect(fleet.list().map((n) => [n.id, n.url, n.name, n.lastStatus])).toEqual([
      ["live", live.url, "Greenhouse", "unknown"],
      ["dead", dead.url, null, "unknown"],
    ]);
    expect(fleetSummary(fleet.list())).toBe("[IoT fleet: 0/2 online. Not yet polled: live, dead.]");
  });

  it("should poll one online (with its info) and one offline (with the error)", async () => {
    await fleet.pollAll();
    const [a, b] = fleet.list();
    expect(a).toMatchObject({ id: "live", online: true, lastStatus: "online", lastSeen: clock.now, lastError: null, info: { node_id: "live" }, stats: { gossip_rounds: 7 } });
    expect(b).toMatchObject({ id: "dead", online: false, lastStatus: "offline", lastSeen: null, breaker: { state: "closed", failures: 1 } });
    expect(b!.lastError).toContain("GET /health");
    expect(fleetSummary(fleet.list())).toBe("[IoT fleet: 1/2 online. Online: live. Offline: dead.]");
  });

  it("should open the dead node's breaker after retried failures, then fail fast without a request", async () => {
    await expect(fleet.link("dead").call((c) => c.info())).rejects.toThrow("GET /api/v1/info");
    expect(slept).toEqual([300, 600]); // two backoff waits: 3 attempts
    // 1 failed poll + 3 attempts = 4; the next attempt is the 5th failure and opens the breaker, ending the retries.
    await expect(fleet.link("dead").call((c) => c.info())).rejects.toThrow(CircuitOpenError);
    expect(fleet.get("dead").breaker).toEqual({ state: "open", failures: 5, retryAt: clock.now + 30_000 });
    const before = dead.requests.length;
    await expect(fleet.link("dead").call((c) => c.stats())).rejects.toThrow('node "dead" is unavailable: its circuit breaker is open');
    expect(dead.requests.length).toBe(before);
    expect((await fleet.link("live").call((c) => c.info())).node_id).toBe("live");
  });

  it("should see the dead node online at the next poll once it is back, its breaker closing", async () => {
    dead.up();
    await fleet.pollAll();
    expect(fleet.get("dead")).toMatchObject({ online: true, lastSeen: clock.now, breaker: { state: "closed", failures: 0 }, info: { node_id: "dead" } });
    expect(fleetSummary(fleet.list())).toBe("[IoT fleet: 2/2 online. Online: live, dead.]");
  });

  it("should add and remove nodes at run time, refusing duplicates, bad ids, unknown ids and a full fleet", () => {
    expect(fleet.add({ host: "127.0.0.7" })).toMatchObject({ id: "127-0-0-7", url: "http://127.0.0.7:19090", lastStatus: "unknown" });
    expect(() => fleet.add({ host: "127.0.0.7" })).toThrow('node "127-0-0-7" is already in the fleet');
    expect(() => fleet.add({ host: "x", id: "-bad" })).toThrow('node id "-bad" must match');
    expect(() => fleet.add({ host: "127.0.0.8" })).toThrow("the fleet is full (maxNodes 3)");
    fleet.remove("dead");
    expect(() => fleet.remove("dead")).toThrow('unknown node "dead"');
    expect(() => fleet.link("dead")).toThrow('unknown node "dead"');
    expect(fleet.list().map((n) => n.id)).toEqual(["live", "127-0-0-7"]);
  });

  it("should keep the fleet across a reopen, not re-adding a removed config node", () => {
    db.close();
    const again = open();
    expect(again.fleet.list().map((n) => [n.id, n.lastStatus, n.lastSeen])).toEqual([["live", "online", clock.now], ["127-0-0-7", "unknown", null]]);
    again.db.close();
  });

  it("should refuse a config with duplicate ids or more nodes than maxNodes, naming the field", () => {
    const two = [{ host: "a.local" }, { id: "a-local", host: "b" }];
    expect(() => config({ nodes: two })).toThrow('plugins.entries.iot-bridge.config.nodes[1]: duplicate node id "a-local"');
    expect(() => config({ nodes: [{ host: "a" }, { host: "b" }], maxNodes: 1 })).toThrow("plugins.entries.iot-bridge.config.nodes: 2 nodes, more than maxNodes (1)");
  });
});
