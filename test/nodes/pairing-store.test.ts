/** @module Tests of the legacy NodePairingStore over an in-memory database. */
import { beforeEach, describe, expect, it } from "bun:test";
import type { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { NODE_PENDING_TTL_MS, NodePairingStore } from "../../src/nodes/pairing-store.ts";
import { openDatabase, schemaVersion } from "../../src/store/index.ts";

let db: Database;
let now: number;
let store: NodePairingStore;

beforeEach(() => {
  db = openDatabase(":memory:");
  now = 1_700_000_000_000;
  store = new NodePairingStore(db, () => now);
});

/** Requests and approves in one go. */
function pair(nodeId = "node-1", claims: Record<string, unknown> = {}) {
  const { request } = store.request({ nodeId, ...claims });
  return store.approve(request.requestId)!;
}

describe("NodePairingStore requests", () => {
  it("should run on schema version 3 or later", () => {
    expect(schemaVersion(db)).toBeGreaterThanOrEqual(3);
  });

  it("should create a request with the node's claims and no token", () => {
    const { request, created } = store.request({
      nodeId: "node-1", displayName: "Kitchen iPad", platform: "ios", version: "1.2.3", caps: ["canvas"], commands: ["canvas.present"],
      remoteIp: "10.0.0.9", silent: true,
    });
    expect(created).toBe(true);
    expect(request).toEqual({
      requestId: expect.any(String), nodeId: "node-1", displayName: "Kitchen iPad", platform: "ios", version: "1.2.3",
      caps: ["canvas"], commands: ["canvas.present"], remoteIp: "10.0.0.9", silent: true, isRepair: false, ts: now,
    });
    expect(store.listPending()).toEqual([request]);
    expect(store.getPending(request.requestId)).toEqual(request);
  });

  it("should keep one request per node, refreshing claims and timestamp on repeat", () => {
    const first = store.request({ nodeId: "node-1", displayName: "Old" });
    now += 1000;
    const second = store.request({ nodeId: "node-1", displayName: "New", platform: "android" });
    expect(second.created).toBe(false);
    expect(second.request.requestId).toBe(first.request.requestId);
    expect(store.listPending()).toEqual([second.request]);
    expect(second.request).toMatchObject({ displayName: "New", platform: "android", ts: now });
    store.request({ nodeId: "node-2" });
    expect(store.listPending().map((p) => p.nodeId)).toEqual(["node-1", "node-2"]);
  });

  it("should expire requests 5 minutes after their last refresh and report them once", () => {
    const { request } = store.request({ nodeId: "node-1" });
    now += NODE_PENDING_TTL_MS;
    expect(store.pruneExpired()).toEqual([]);
    now += 1;
    expect(store.pruneExpired()).toEqual([request]);
    expect(store.pruneExpired()).toEqual([]);
    expect(store.listPending()).toEqual([]);
    expect(store.approve(request.requestId)).toBeUndefined();
  });

  it("should mark a request of an already paired node as a repair", () => {
    pair();
    expect(store.request({ nodeId: "node-1" }).request.isRepair).toBe(true);
  });

  it("should delete a rejected request and return it", () => {
    const { request } = store.request({ nodeId: "node-1" });
    expect(store.reject(request.requestId)).toEqual(request);
    expect(store.listPending()).toEqual([]);
    expect(store.reject(request.requestId)).toBeUndefined();
    expect(store.listPaired()).toEqual([]);
  });
});

describe("NodePairingStore approve and verify", () => {
  it("should pair the node with a fresh token that verifies", () => {
    const { node, token } = pair("node-1", { displayName: "Kitchen", caps: ["canvas"] });
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(node).toEqual({ nodeId: "node-1", displayName: "Kitchen", caps: ["canvas"], createdAtMs: now, approvedAtMs: now });
    expect(store.listPaired()).toEqual([node]);
    expect(store.getPaired("node-1")).toEqual(node);
    expect(store.listPending()).toEqual([]);
    expect(store.verify("node-1", token)).toBe(true);
  });

  it("should refuse a wrong token, another node's token and an unknown node", () => {
    const a = pair("node-1").token;
    const b = pair("node-2").token;
    expect(store.verify("node-1", b)).toBe(false);
    expect(store.verify("node-1", `${a}x`)).toBe(false);
    expect(store.verify("node-1", "")).toBe(false);
    expect(store.verify("node-3", a)).toBe(false);
  });

  it("should issue a new token on every approval, invalidating the previous one, and keep createdAt", () => {
    const created = now;
    const first = pair("node-1", { displayName: "A" });
    now += 5000;
    const second = pair("node-1", { displayName: "B" });
    expect(second.token).not.toBe(first.token);
    expect(store.verify("node-1", first.token)).toBe(false);
    expect(store.verify("node-1", second.token)).toBe(true);
    expect(second.node).toMatchObject({ displayName: "B", createdAtMs: created, approvedAtMs: now });
  });

  it("should store only the SHA-256 of the token", () => {
    const { token } = pair();
    const rows = [...db.query("SELECT * FROM paired_nodes").all(), ...db.query("SELECT * FROM node_pending").all()] as Record<string, unknown>[];
    const text = rows.flatMap((r) => Object.values(r).map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString("base64url") : String(v)))).join("\n");
    expect(text).not.toContain(token);
    const row = db.query("SELECT token_hash FROM paired_nodes WHERE node_id = ?").get("node-1") as { token_hash: Uint8Array };
    expect(Buffer.from(row.token_hash)).toEqual(createHash("sha256").update(token).digest());
  });
});

describe("NodePairingStore rename", () => {
  it("should rename a paired node and keep its token", () => {
    const { token } = pair("node-1", { displayName: "Old", platform: "ios" });
    expect(store.rename("node-1", "New")).toMatchObject({ nodeId: "node-1", displayName: "New", platform: "ios" });
    expect(store.getPaired("node-1")?.displayName).toBe("New");
    expect(store.verify("node-1", token)).toBe(true);
  });

  it("should return undefined for a node that is not paired", () => {
    store.request({ nodeId: "node-1" });
    expect(store.rename("node-1", "New")).toBeUndefined();
  });
});
