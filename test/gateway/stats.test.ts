/** @module Gateway counters for /metrics: frames in and out, method counts, errors and latency buckets, from real traffic. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { GatewayStats, LATENCY_BUCKETS_MS } from "../../src/gateway/stats.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket } from "../helpers/ws-client.ts";

describe("GatewayStats", () => {
  it("should put each call in the first bucket whose bound it does not exceed, +Inf last", () => {
    const stats = new GatewayStats();
    stats.recordCall("health", 0.4, true);
    stats.recordCall("health", 7, false);
    stats.recordCall("health", 60_000, true);
    const [health] = stats.snapshot(0, []).methods;
    expect(health).toMatchObject({ method: "health", count: 3, errors: 1 });
    expect(health!.sumMs).toBeCloseTo(60_007.4);
    const expected = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
    expected[0] = 1; // ≤ 1 ms
    expected[2] = 1; // ≤ 10 ms
    expected[LATENCY_BUCKETS_MS.length] = 1; // +Inf
    expect(health!.buckets).toEqual(expected);
  });
});

describe("a gateway's counters", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(async () => {
    await gw.stop();
  });

  it("should count the frames and method calls of a client", async () => {
    const before = gw.gateway.services.stats.snapshot(0, []);
    const { sock } = await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.admin"] });
    await sock.request("health", {});
    await sock.request("health", {});
    const bad = await sock.request("no.such.method", {});
    expect(bad.ok).toBe(false);
    const after = gw.gateway.services.stats.snapshot(gw.gateway.services.registry.size, []);
    expect(after.connections).toBe(1);
    expect(after.framesIn - before.framesIn).toBe(4); // connect + 3 requests
    expect(after.framesOut - before.framesOut).toBeGreaterThanOrEqual(5); // challenge, hello-ok, 3 responses
    expect(after.methods.find((m) => m.method === "health")).toMatchObject({ count: 2, errors: 0 });
    expect(after.methods.find((m) => m.method === "unknown")).toMatchObject({ count: 1, errors: 1 }); // no label per unknown name
    expect(after.methods.some((m) => m.method === "no.such.method")).toBe(false);
    await sock.close();
  });
});
