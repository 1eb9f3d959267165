/** @module Unit tests of the legacy node pairing handlers (`node.pair.*`). */
import { beforeEach, describe, expect, it } from "bun:test";
import { nodePairingMethods as table } from "../../../src/gateway/methods/node-pairing.ts";
import { NODE_PENDING_TTL_MS } from "../../../src/nodes/pairing-store.ts";
import { Harness } from "./harness.ts";

let h: Harness;

beforeEach(() => {
  h = new Harness();
});

const claims = { nodeId: "node-1", displayName: "Kitchen iPad", platform: "ios", version: "2.0", caps: ["canvas"], commands: ["canvas.present"] };

describe("node.pair.request", () => {
  it("should create a pending request, announce it, and never return a token", async () => {
    const result = await h.call(table, "node.pair.request", claims);
    expect(result).toEqual({
      status: "pending", created: true,
      request: { requestId: expect.any(String), ...claims, silent: false, isRepair: false, ts: h.now },
    });
    expect(JSON.stringify(result)).not.toContain("token");
    expect(h.sent("node.pair.requested")).toEqual([result.request]);
  });

  it("should be idempotent per node: a repeat refreshes the same request and announces it again", async () => {
    const first = await h.call(table, "node.pair.request", claims);
    h.now += 1000;
    const second = await h.call(table, "node.pair.request", { ...claims, displayName: "Renamed", silent: true });
    expect(second.created).toBe(false);
    expect(second.request).toMatchObject({ requestId: first.request.requestId, displayName: "Renamed", silent: true, ts: h.now });
    expect(h.sent("node.pair.requested")).toHaveLength(2);
    expect((await h.call(table, "node.pair.list")).pending).toEqual([second.request]);
  });
});

describe("node.pair.approve and node.pair.verify", () => {
  it("should pair the node with a fresh token that verifies, and announce the approval", async () => {
    const { request } = await h.call(table, "node.pair.request", claims);
    const result = await h.call(table, "node.pair.approve", { requestId: request.requestId });
    expect(result).toEqual({
      requestId: request.requestId,
      node: { ...claims, token: expect.any(String), createdAtMs: h.now, approvedAtMs: h.now },
    });
    expect(h.sent("node.pair.resolved")).toEqual([{ requestId: request.requestId, nodeId: "node-1", decision: "approved", ts: expect.any(Number) }]);
    expect(await h.call(table, "node.pair.verify", { nodeId: "node-1", token: result.node.token })).toEqual({ ok: true, nodeId: "node-1" });
    expect(await h.call(table, "node.pair.verify", { nodeId: "node-1", token: "wrong" })).toEqual({ ok: false, nodeId: "node-1" });
    const list = await h.call(table, "node.pair.list");
    expect(list).toEqual({ pending: [], paired: [{ ...claims, createdAtMs: h.now, approvedAtMs: h.now }] });
    expect(JSON.stringify(list)).not.toContain(result.node.token);
  });

  it("should issue a new token when the node pairs again, and the old one stops verifying", async () => {
    const first = await h.call(table, "node.pair.approve", { requestId: (await h.call(table, "node.pair.request", claims)).request.requestId });
    const repair = await h.call(table, "node.pair.request", claims);
    expect(repair.request.isRepair).toBe(true);
    const second = await h.call(table, "node.pair.approve", { requestId: repair.request.requestId });
    expect(second.node.token).not.toBe(first.node.token);
    expect((await h.call(table, "node.pair.verify", { nodeId: "node-1", token: first.node.token })).ok).toBe(false);
    expect((await h.call(table, "node.pair.verify", { nodeId: "node-1", token: second.node.token })).ok).toBe(true);
  });

  it("should refuse an unknown request", async () => {
    const err = await h.error(table, "node.pair.approve", { requestId: "nope" });
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe("unknown requestId: nope");
  });
});

describe("node.pair.reject", () => {
  it("should drop the request and announce the rejection", async () => {
    const { request } = await h.call(table, "node.pair.request", claims);
    expect(await h.call(table, "node.pair.reject", { requestId: request.requestId })).toEqual({ requestId: request.requestId, nodeId: "node-1" });
    expect(h.sent("node.pair.resolved")).toEqual([{ requestId: request.requestId, nodeId: "node-1", decision: "rejected", ts: expect.any(Number) }]);
    expect(await h.call(table, "node.pair.list")).toEqual({ pending: [], paired: [] });
    expect((await h.error(table, "node.pair.reject", { requestId: request.requestId })).message).toBe(`unknown requestId: ${request.requestId}`);
  });
});

describe("expiry", () => {
  it("should announce an expired request once, and no longer approve it", async () => {
    const { request } = await h.call(table, "node.pair.request", claims);
    h.now += NODE_PENDING_TTL_MS + 1;
    expect(await h.call(table, "node.pair.list")).toEqual({ pending: [], paired: [] });
    expect(h.sent("node.pair.resolved")).toEqual([{ requestId: request.requestId, nodeId: "node-1", decision: "expired", ts: expect.any(Number) }]);
    expect((await h.error(table, "node.pair.approve", { requestId: request.requestId })).message).toBe(`unknown requestId: ${request.requestId}`);
    expect(h.sent("node.pair.resolved")).toHaveLength(1);
  });
});
