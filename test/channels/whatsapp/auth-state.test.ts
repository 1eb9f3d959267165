/**
 * @module The SQLite auth state with Baileys' real types: `initAuthCreds()` and Signal keys (Buffers, Uint8Arrays,
 * protobuf app-state keys) round-trip through the database and a reopen; a `keys.set` batch is all-or-nothing;
 * `clear` keeps only the kinds asked for. Also proves the pinned Baileys imports under Bun.
 */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "bun:sqlite";
import { Curve, makeWASocket, proto } from "@whiskeysockets/baileys";
import { openDatabase } from "../../../src/store/db.ts";
import { createChannelAuthStore } from "../../../src/channels/auth-store.ts";
import { loadWhatsAppAuthState } from "../../../src/channels/whatsapp/auth-state.ts";

let dir: string;
let db: Database;
const reopen = () => {
  db.close();
  db = openDatabase(join(dir, "state.db"));
  return createChannelAuthStore(db, "whatsapp", "default");
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mayros-wa-auth-"));
  db = openDatabase(join(dir, "state.db"));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the pinned Baileys under Bun", () => {
  it("should import 7.0.0-rc14 and make key pairs", async () => {
    const pkg = (await import("@whiskeysockets/baileys/package.json", { with: { type: "json" } })).default as { version: string };
    expect(pkg.version).toBe("7.0.0-rc14");
    expect(typeof makeWASocket).toBe("function");
    const pair = Curve.generateKeyPair();
    expect(pair.public.length).toBe(32);
  });
});

describe("loadWhatsAppAuthState", () => {
  it("should start unlinked with fresh creds and persist them byte for byte", () => {
    const first = loadWhatsAppAuthState(createChannelAuthStore(db, "whatsapp", "default"));
    expect(first.linked()).toBe(false);
    first.state.creds.me = { id: "15550001111:7@s.whatsapp.net", name: "Mayros" };
    first.saveCreds();

    const again = loadWhatsAppAuthState(reopen());
    expect(again.linked()).toBe(true);
    const a = first.state.creds;
    const b = again.state.creds;
    expect(Buffer.from(b.noiseKey.private).equals(Buffer.from(a.noiseKey.private))).toBe(true);
    expect(Buffer.from(b.signedIdentityKey.public).equals(Buffer.from(a.signedIdentityKey.public))).toBe(true);
    expect(Buffer.from(b.signedPreKey.signature).equals(Buffer.from(a.signedPreKey.signature))).toBe(true);
    expect(b.signedPreKey.keyId).toBe(a.signedPreKey.keyId);
    expect(b.registrationId).toBe(a.registrationId);
    expect(b.advSecretKey).toBe(a.advSecretKey);
    expect(b.me).toEqual({ id: "15550001111:7@s.whatsapp.net", name: "Mayros" });
  });

  it("should round-trip pre-keys, sessions and app-state keys (as the protobuf class) and delete on null", async () => {
    const auth = loadWhatsAppAuthState(createChannelAuthStore(db, "whatsapp", "default"));
    const preKey = Curve.generateKeyPair();
    const session = new Uint8Array([1, 2, 3, 250]);
    const appKey = proto.Message.AppStateSyncKeyData.fromObject({ keyData: new Uint8Array([9, 8, 7]), timestamp: 1234 });
    await auth.state.keys.set({ "pre-key": { "1": preKey, "2": Curve.generateKeyPair() }, session: { "155@s.whatsapp.net.0": session }, "app-state-sync-key": { AAAA: appKey } });

    const keys = loadWhatsAppAuthState(reopen()).state.keys;
    const pre = await keys.get("pre-key", ["1", "3"]);
    expect(Object.keys(pre)).toEqual(["1"]);
    expect(Buffer.from(pre["1"]!.public).equals(Buffer.from(preKey.public))).toBe(true);
    expect(Buffer.from(pre["1"]!.private).equals(Buffer.from(preKey.private))).toBe(true);
    const sessions = await keys.get("session", ["155@s.whatsapp.net.0"]);
    expect([...sessions["155@s.whatsapp.net.0"]!]).toEqual([1, 2, 3, 250]);
    const app = (await keys.get("app-state-sync-key", ["AAAA"]))["AAAA"]!;
    expect(app).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect([...app.keyData!]).toEqual([9, 8, 7]);

    await keys.set({ "pre-key": { "1": null } });
    expect(Object.keys(await keys.get("pre-key", ["1", "2"]))).toEqual(["2"]);
  });

  it("should write a batch in one transaction: a row that fails to write undoes the rows before it", () => {
    const store = createChannelAuthStore(db, "whatsapp", "default");
    const bad = { kind: "key:session", key: "b", value: undefined as unknown as string }; // NOT NULL violated
    expect(() => store.write([{ kind: "key:session", key: "a", value: "1" }, bad])).toThrow();
    expect(store.has("key:session")).toBe(false);
  });

  it("should keep another account's rows and only the kept kinds on clear", () => {
    const mine = createChannelAuthStore(db, "whatsapp", "default");
    const other = createChannelAuthStore(db, "whatsapp", "other");
    mine.write([{ kind: "creds", key: "creds", value: "{}" }, { kind: "lease", key: "session", value: "{}" }, { kind: "key:session", key: "x", value: "1" }]);
    other.write([{ kind: "creds", key: "creds", value: "{}" }]);
    mine.clear(["lease"]);
    expect([mine.has("creds"), mine.has("key:session"), mine.has("lease"), other.has("creds")]).toEqual([false, false, true, true]);
    mine.clear();
    expect(mine.has("lease")).toBe(false);
  });
});
