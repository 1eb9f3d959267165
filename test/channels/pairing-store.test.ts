/** @module Tests of the channel pairing store: codes, expiry with an injected clock, the pending cap, approval. */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import type { Database } from "bun:sqlite";
import { openDatabase } from "../../src/store/index.ts";
import {
  ChannelPairingStore, PAIRING_ALPHABET, PAIRING_MAX_PENDING, PAIRING_TTL_MS, generatePairingCode,
} from "../../src/channels/pairing-store.ts";

let db: Database;
let now: number;
let store: ChannelPairingStore;

beforeEach(() => {
  db = openDatabase(":memory:");
  now = 1_700_000_000_000;
  store = new ChannelPairingStore(db, () => now);
});
afterEach(() => db.close());

const ask = (senderId: string, channel = "telegram") => store.request({ channel, accountId: "default", senderId, chatId: `c-${senderId}` });

describe("ChannelPairingStore", () => {
  it("should generate 8-character codes from the unambiguous alphabet", () => {
    for (let i = 0; i < 200; i++) {
      const code = generatePairingCode();
      expect(code).toHaveLength(8);
      for (const ch of code) expect(PAIRING_ALPHABET).toContain(ch);
      expect(code).not.toMatch(/[01OI]/);
    }
  });

  it("should create a request once and keep the same code for the same sender", () => {
    const first = ask("42");
    expect(first.status).toBe("created");
    now += 1000;
    const again = ask("42");
    expect(again).toMatchObject({ status: "pending" });
    if (first.status !== "created" || again.status !== "pending") throw new Error("unexpected");
    expect(again.request.code).toBe(first.request.code);
    expect(again.request.lastSeenAt).toBe(now);
    expect(store.list("telegram")).toHaveLength(1);
  });

  it("should expire a request after one hour", () => {
    const r = ask("42");
    if (r.status !== "created") throw new Error("unexpected");
    expect(r.request.expiresAt).toBe(now + PAIRING_TTL_MS);
    now += PAIRING_TTL_MS - 1;
    expect(store.list()).toHaveLength(1);
    now += 1;
    expect(store.list()).toHaveLength(0);
    expect(store.approve("telegram", r.request.code)).toBeNull();
    expect(ask("42").status).toBe("created");
  });

  it("should keep at most 3 pending requests per channel", () => {
    for (const id of ["a", "b", "c"]) expect(ask(id).status).toBe("created");
    expect(PAIRING_MAX_PENDING).toBe(3);
    expect(ask("d")).toEqual({ status: "capped" });
    expect(ask("d", "discord").status).toBe("created");
    expect(ask("a").status).toBe("pending");
    now += PAIRING_TTL_MS;
    expect(ask("d").status).toBe("created");
  });

  it("should free a slot when a request is approved", () => {
    const codes = ["a", "b", "c"].map((id) => { const r = ask(id); if (r.status !== "created") throw new Error("x"); return r.request.code; });
    expect(ask("d").status).toBe("capped");
    store.approve("telegram", codes[0]!);
    expect(ask("d").status).toBe("created");
  });

  it("should approve by code case-insensitively and remember the sender", () => {
    const r = ask("42");
    if (r.status !== "created") throw new Error("unexpected");
    expect(store.isApproved("telegram", "default", "42")).toBe(false);
    expect(store.approve("discord", r.request.code)).toBeNull();
    const approved = store.approve("telegram", r.request.code.toLowerCase());
    expect(approved).toMatchObject({ channel: "telegram", accountId: "default", senderId: "42", chatId: "c-42" });
    expect(store.isApproved("telegram", "default", "42")).toBe(true);
    expect(store.approved("telegram", "default")).toEqual(["42"]);
    expect(store.list()).toHaveLength(0);
    expect(store.approve("telegram", r.request.code)).toBeNull();
  });
});
