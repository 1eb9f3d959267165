/**
 * @module The one-WhatsApp-session-per-host lease: a live holder keeps every other process out (shown with a real
 * second process on the same database), a dead or stale holder is taken over, release frees it.
 */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Database } from "bun:sqlite";
import { openDatabase } from "../../../src/store/db.ts";
import { createChannelAuthStore, type ChannelAuthStore } from "../../../src/channels/auth-store.ts";
import { acquireSessionLease, LEASE_STALE_MS } from "../../../src/channels/whatsapp/session-lease.ts";

let dir: string;
let db: Database;
let store: ChannelAuthStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mayros-wa-lease-"));
  db = openDatabase(join(dir, "state.db"));
  store = createChannelAuthStore(db, "whatsapp", "default");
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("acquireSessionLease", () => {
  it("should refuse a second holder while the first lives and admit it after release", () => {
    const first = acquireSessionLease(store, { pid: 100, host: "h", isAlive: () => true });
    expect(first.ok).toBe(true);
    const second = acquireSessionLease(store, { pid: 200, host: "h", isAlive: () => true });
    expect(second).toMatchObject({ ok: false, holder: { pid: 100, host: "h" } });
    if (first.ok) first.release();
    const third = acquireSessionLease(store, { pid: 200, host: "h", isAlive: () => true });
    expect(third.ok).toBe(true);
    if (third.ok) third.release();
  });

  it("should take over from a dead pid on this host and from a stale holder on another host", () => {
    const dead = acquireSessionLease(store, { pid: 100, host: "h", isAlive: () => true });
    expect(dead.ok).toBe(true);
    const taken = acquireSessionLease(store, { pid: 200, host: "h", isAlive: (pid) => pid !== 100 });
    expect(taken.ok).toBe(true);
    if (taken.ok) taken.release();

    let now = 1_000_000;
    const remote = acquireSessionLease(createChannelAuthStore(db, "whatsapp", "default", () => now), { pid: 300, host: "other", now: () => now });
    expect(remote.ok).toBe(true);
    const clock = () => now;
    const local = createChannelAuthStore(db, "whatsapp", "default", clock);
    expect(acquireSessionLease(local, { pid: 400, host: "h", now: clock, isAlive: () => true }).ok).toBe(false);
    now += LEASE_STALE_MS + 1;
    expect(acquireSessionLease(local, { pid: 400, host: "h", now: clock, isAlive: () => true }).ok).toBe(true);
  });

  it("should keep a second real process off the session this process holds", async () => {
    const lease = acquireSessionLease(store);
    expect(lease.ok).toBe(true);
    const script = `
      import { openDatabase } from ${JSON.stringify(resolve("src/store/db.ts"))};
      import { createChannelAuthStore } from ${JSON.stringify(resolve("src/channels/auth-store.ts"))};
      import { acquireSessionLease } from ${JSON.stringify(resolve("src/channels/whatsapp/session-lease.ts"))};
      const db = openDatabase(process.argv[2]);
      const r = acquireSessionLease(createChannelAuthStore(db, "whatsapp", "default"));
      console.log(JSON.stringify(r.ok ? { ok: true } : r));
    `;
    const path = join(dir, "second.ts");
    await Bun.write(path, script);
    const child = Bun.spawn([process.execPath, path, join(dir, "state.db")], { stdout: "pipe", stderr: "pipe" });
    const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ ok: false, holder: { pid: process.pid } });
    if (lease.ok) lease.release();
  });
});
