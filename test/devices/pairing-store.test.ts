/** @module Tests of the device PairingStore over an in-memory database. */
import { beforeEach, describe, expect, it } from "bun:test";
import type { Database } from "bun:sqlite";
import { createHash } from "node:crypto";
import { PairingStore, PENDING_TTL_MS, type PendingRequest } from "../../src/devices/pairing-store.ts";
import { openDatabase } from "../../src/store/index.ts";

let db: Database;
let now: number;
let store: PairingStore;

beforeEach(() => {
  db = openDatabase(":memory:");
  now = 1_700_000_000_000;
  store = new PairingStore(db, () => now);
});

type RequestInput = Omit<PendingRequest, "requestId" | "ts">;

function input(overrides: Partial<RequestInput> = {}): RequestInput {
  return {
    deviceId: "dev-1", publicKey: "key-1", displayName: "Laptop", platform: "linux", clientId: "mayros-cli", clientMode: "cli",
    role: "operator", scopes: ["operator.read"], remoteIp: "10.0.0.2", silent: false, isRepair: false,
    ...overrides,
  };
}

/** Requests and approves in one go. */
function pair(overrides: Partial<RequestInput> = {}) {
  const { request } = store.request(input(overrides));
  return store.approve(request.requestId)!;
}

/** Every value of every row of every table, as text (blobs as utf8, hex and base64url). */
function everyStoredText(): string {
  const tables = db.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  const parts: string[] = [];
  for (const { name } of tables) {
    for (const row of db.query(`SELECT * FROM ${name}`).all() as Record<string, unknown>[]) {
      for (const value of Object.values(row)) {
        if (value instanceof Uint8Array) {
          const buf = Buffer.from(value);
          parts.push(buf.toString("utf8"), buf.toString("hex"), buf.toString("base64url"), buf.toString("base64"));
        } else {
          parts.push(String(value));
        }
      }
    }
  }
  return parts.join("\n");
}

describe("PairingStore requests", () => {
  it("should keep one pending request per device and refresh it on repeat", () => {
    const first = store.request(input());
    expect(first.created).toBe(true);
    now += 60_000;
    const second = store.request(input({ role: "node", scopes: [], displayName: "Renamed" }));
    expect(second.created).toBe(false);
    expect(second.request.requestId).toBe(first.request.requestId);
    const pending = store.listPending();
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ role: "node", scopes: [], displayName: "Renamed", ts: now });
  });

  it("should keep separate requests for separate devices", () => {
    store.request(input());
    store.request(input({ deviceId: "dev-2" }));
    expect(store.listPending().map((p) => p.deviceId)).toEqual(["dev-1", "dev-2"]);
  });

  it("should expire a pending request after 5 minutes, measured from its last refresh", () => {
    const { request } = store.request(input());
    now += PENDING_TTL_MS - 1;
    store.request(input());
    now += PENDING_TTL_MS - 1;
    expect(store.getPending(request.requestId)).toBeDefined();
    now += 2;
    expect(store.getPending(request.requestId)).toBeUndefined();
    expect(store.listPending()).toEqual([]);
    expect(store.approve(request.requestId)).toBeUndefined();
    expect(store.reject(request.requestId)).toBeUndefined();
  });

  it("should delete a rejected request and return it", () => {
    const { request } = store.request(input());
    expect(store.reject(request.requestId)?.deviceId).toBe("dev-1");
    expect(store.listPending()).toEqual([]);
    expect(store.reject(request.requestId)).toBeUndefined();
  });
});

describe("PairingStore approve", () => {
  it("should pair the device without minting a token", () => {
    const device = pair();
    expect(device).toMatchObject({ deviceId: "dev-1", roles: ["operator"], approvedScopes: ["operator.read"], createdAtMs: now, approvedAtMs: now });
    expect(store.listTokens("dev-1")).toEqual([]);
    expect(store.listPending()).toEqual([]);
    expect(store.getDevice("dev-1")).toEqual(device);
  });

  it("should merge roles and scopes with the existing record of the same key", () => {
    const created = now;
    pair();
    now += 1000;
    const device = pair({ role: "node", scopes: ["operator.write"], isRepair: true });
    expect(device.roles).toEqual(["operator", "node"]);
    expect(device.approvedScopes).toEqual(["operator.read", "operator.write"]);
    expect(device.createdAtMs).toBe(created);
    expect(device.approvedAtMs).toBe(now);
  });

  // Regression: a REPLACE of the device row once cascaded to its tokens.
  it("should keep the device's tokens when it is approved for another role", () => {
    pair();
    const { token } = store.ensureToken("dev-1", "operator", ["operator.read"])!;
    pair({ role: "node", scopes: [], isRepair: true });
    expect(store.listTokens("dev-1").map((t) => t.role)).toEqual(["operator"]);
    expect(store.verifyToken("dev-1", "operator", token, [])).toBeDefined();
  });

  it("should start over (roles, scopes, tokens) when the device comes back with a new key", () => {
    pair({ scopes: ["operator.admin"] });
    store.ensureToken("dev-1", "operator", ["operator.admin"]);
    now += 1000;
    const device = pair({ publicKey: "key-2", role: "node", scopes: [] });
    expect(device.roles).toEqual(["node"]);
    expect(device.approvedScopes).toEqual([]);
    expect(device.createdAtMs).toBe(now);
    expect(store.listTokens("dev-1")).toEqual([]);
  });
});

describe("PairingStore tokens", () => {
  beforeEach(() => {
    pair({ scopes: ["operator.read", "operator.write"] });
  });

  it("should mint a token once and reuse it while it covers the scopes", () => {
    const issued = store.ensureToken("dev-1", "operator", ["operator.read"]);
    expect(issued?.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(issued?.rotatedAtMs).toBeUndefined();
    expect(store.ensureToken("dev-1", "operator", ["operator.read"])).toBeUndefined();
    expect(store.ensureToken("dev-1", "operator", [])).toBeUndefined();
  });

  it("should mint a new token for broader scopes, keeping createdAt", () => {
    const first = store.ensureToken("dev-1", "operator", ["operator.read"])!;
    now += 5000;
    const second = store.ensureToken("dev-1", "operator", ["operator.read", "operator.write"])!;
    expect(second.token).not.toBe(first.token);
    expect(second).toMatchObject({ createdAtMs: first.createdAtMs, rotatedAtMs: now, scopes: ["operator.read", "operator.write"] });
    expect(store.verifyToken("dev-1", "operator", first.token, [])).toBeUndefined();
    expect(store.verifyToken("dev-1", "operator", second.token, ["operator.write"])).toBeDefined();
  });

  it("should mint again after a revoke", () => {
    store.ensureToken("dev-1", "operator", ["operator.read"]);
    expect(store.revoke("dev-1", "operator")).toBe(true);
    expect(store.revoke("dev-1", "operator")).toBe(false);
    const again = store.ensureToken("dev-1", "operator", ["operator.read"]);
    expect(again).toBeDefined();
    expect(store.listTokens("dev-1")[0]?.revokedAtMs).toBeUndefined();
  });

  it("should verify the right token, update lastUsedAt, and refuse wrong, revoked or under-scoped ones", () => {
    const { token } = store.ensureToken("dev-1", "operator", ["operator.read"])!;
    now += 42;
    expect(store.verifyToken("dev-1", "operator", token, ["operator.read"])).toMatchObject({ role: "operator", scopes: ["operator.read"] });
    expect(store.listTokens("dev-1")[0]?.lastUsedAtMs).toBe(now);
    // Change the last character to a different one (a fixed "A" would equal a token ending in "A").
    expect(store.verifyToken("dev-1", "operator", `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`, [])).toBeUndefined();
    expect(store.verifyToken("dev-1", "operator", "short", [])).toBeUndefined();
    expect(store.verifyToken("dev-1", "node", token, [])).toBeUndefined();
    expect(store.verifyToken("dev-2", "operator", token, [])).toBeUndefined();
    expect(store.verifyToken("dev-1", "operator", token, ["operator.write"])).toBeUndefined();
    const lastUsed = now;
    now += 1000;
    store.verifyToken("dev-1", "operator", "wrong", []);
    expect(store.listTokens("dev-1")[0]?.lastUsedAtMs).toBe(lastUsed);
    store.revoke("dev-1", "operator");
    expect(store.verifyToken("dev-1", "operator", token, [])).toBeUndefined();
  });

  it("should rotate into a new token that replaces the old one", () => {
    const old = store.ensureToken("dev-1", "operator", ["operator.read"])!;
    now += 1000;
    const rotated = store.rotate("dev-1", "operator", ["operator.write"])!;
    expect(rotated).toMatchObject({ createdAtMs: old.createdAtMs, rotatedAtMs: now, scopes: ["operator.write"] });
    expect(store.verifyToken("dev-1", "operator", old.token, [])).toBeUndefined();
    expect(store.verifyToken("dev-1", "operator", rotated.token, ["operator.write"])).toBeDefined();
  });

  it("should rotate with the current scopes when none are given, and refuse unknown devices and roles", () => {
    store.ensureToken("dev-1", "operator", ["operator.read"]);
    expect(store.rotate("dev-1", "operator")?.scopes).toEqual(["operator.read"]);
    expect(store.rotate("dev-1", "node")).toBeUndefined();
    expect(store.rotate("dev-2", "operator")).toBeUndefined();
  });

  it("should store tokens only as SHA-256 hashes", () => {
    const minted = [store.ensureToken("dev-1", "operator", ["operator.read"])!.token, store.rotate("dev-1", "operator")!.token];
    const stored = everyStoredText();
    for (const token of minted) expect(stored).not.toContain(token);
    const row = db.query("SELECT token_hash FROM device_tokens WHERE device_id = ?").get("dev-1") as { token_hash: Uint8Array };
    expect(Buffer.from(row.token_hash)).toEqual(createHash("sha256").update(minted[1]!).digest());
  });
});

describe("PairingStore removeDevice", () => {
  it("should delete the device and its tokens", () => {
    pair();
    const { token } = store.ensureToken("dev-1", "operator", [])!;
    expect(store.removeDevice("dev-1")).toBe(true);
    expect(store.getDevice("dev-1")).toBeUndefined();
    expect(store.listDevices()).toEqual([]);
    expect(store.listTokens("dev-1")).toEqual([]);
    expect(store.verifyToken("dev-1", "operator", token, [])).toBeUndefined();
    expect(store.removeDevice("dev-1")).toBe(false);
  });
});
