/** Idempotent replays of side-effecting methods: a retry with the same idempotencyKey gets the first response and does not run again. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { TestSocket } from "../helpers/ws-client.ts";

const STALE = "baseHash does not match: the config changed since it was read; run config.get and retry";

let gw: TestGateway;
let admin: TestSocket;
let other: TestSocket;
beforeAll(async () => {
  gw = await startTestGateway({ gateway: { tickIntervalMs: 60_000 } });
  admin = (await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.admin"] })).sock;
  other = (await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.admin"] })).sock;
});
afterAll(async () => {
  await admin.close();
  await other.close();
  await gw.stop();
});

const configPath = () => join(gw.stateDir, "mayros.json");

async function currentHash(): Promise<string> {
  const res = await admin.request("config.get");
  expect(res.ok).toBe(true);
  return res.payload.hash;
}

describe("idempotency: config.patch", () => {
  it("should replay the first response for a retry with the same key and write the file once", async () => {
    const baseHash = await currentHash();
    const params = { raw: '{"logging":{"level":"warn"}}', baseHash, idempotencyKey: "patch-key-1" };
    const first = await admin.request("config.patch", params);
    expect(first.ok).toBe(true);
    // (No asymmetric matchers in toMatchObject here: bun 1.4.5 writes them into the received object.)
    expect(first.payload.ok).toBe(true);
    expect(first.payload.config.logging).toEqual({ level: "warn" });
    expect(first.payload.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(first.payload.hash).not.toBe(baseHash);
    const inode = statSync(configPath()).ino;

    // Same key, same (now stale) baseHash, from another socket: a real second run would fail the hash check.
    const second = await other.request("config.patch", params);
    expect(second.ok).toBe(true);
    expect(second.payload).toEqual(first.payload);
    // The atomic writer renames a new file into place on every write: same inode = no second write.
    expect(statSync(configPath()).ino).toBe(inode);

    // A new key with the old baseHash really runs, and fails because the first patch changed the file.
    const third = await admin.request("config.patch", { ...params, idempotencyKey: "patch-key-2" });
    expect(third.error).toEqual({ code: "INVALID_REQUEST", message: STALE, details: { reason: "config_hash_mismatch", hash: first.payload.hash } });
    expect(await currentHash()).toBe(first.payload.hash);
    expect(JSON.parse(readFileSync(configPath(), "utf8")).logging).toEqual({ level: "warn" });
  });

  it("should give concurrent duplicates identical responses and run the patch once", async () => {
    const baseHash = await currentHash();
    const params = { raw: '{"logging":{"maxFiles":5}}', baseHash, idempotencyKey: "patch-key-concurrent" };
    const a = admin.request("config.patch", params, "dup-a");
    const b = admin.request("config.patch", params, "dup-b");
    const c = other.request("config.patch", params, "dup-c");
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    expect(ra.ok).toBe(true);
    expect(ra.payload.config.logging).toEqual({ level: "warn", maxFiles: 5 });
    expect(rb).toEqual({ ...ra, id: "dup-b" });
    expect(rc).toEqual({ ...ra, id: "dup-c" });
    expect(await currentHash()).toBe(ra.payload.hash);
  });

  it("should replay a non-retryable failure too, even once the request would now succeed", async () => {
    const params = { raw: '{"logging":{"level":"error"}}', baseHash: "f".repeat(64), idempotencyKey: "patch-key-failed" };
    const failed = await admin.request("config.patch", params);
    expect(failed.error).toMatchObject({ code: "INVALID_REQUEST", message: STALE });
    const retry = await admin.request("config.patch", { ...params, baseHash: await currentHash() });
    expect(retry.error).toEqual(failed.error);
    expect(JSON.parse(readFileSync(configPath(), "utf8")).logging.level).toBe("warn");
  });

  it("should run requests without a key every time", async () => {
    const baseHash = await currentHash();
    const params = { raw: '{"logging":{"level":"debug"}}', baseHash };
    const first = await admin.request("config.patch", params);
    expect(first.ok).toBe(true);
    const second = await admin.request("config.patch", params);
    expect(second.error).toMatchObject({ code: "INVALID_REQUEST", message: STALE });
  });

  it("should not share keys between methods", async () => {
    const event = await admin.request("system-event", { text: "one", idempotencyKey: "shared-key" });
    expect(event.ok).toBe(true);
    const params = { raw: '{"logging":{"level":"info"}}', baseHash: await currentHash(), idempotencyKey: "shared-key" };
    const patch = await admin.request("config.patch", params);
    expect(patch.ok).toBe(true);
    expect(patch.payload).toMatchObject({ ok: true, config: { logging: { level: "info" } } });
  });

  it("should replay system-event without queueing it twice", async () => {
    const first = await admin.request("system-event", { text: "queued once", idempotencyKey: "event-key" });
    const again = await admin.request("system-event", { text: "queued once", idempotencyKey: "event-key" });
    expect(again.payload).toEqual(first.payload);
    const status = await admin.request("status");
    expect(status.payload.queuedSystemEvents.filter((t: string) => t === "queued once")).toHaveLength(1);
  });
});
