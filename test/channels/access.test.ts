/** @module Tests of channel access control: DM policies, allowlists, pairing replies, group policy and mention gating. */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import type { Database } from "bun:sqlite";
import { openDatabase } from "../../src/store/index.ts";
import { ChannelPairingStore } from "../../src/channels/pairing-store.ts";
import { PAIRING_WAIT_REPLY, checkAccess, normalizeSenderId } from "../../src/channels/access.ts";
import { defaultAccessPolicy } from "../../src/channels/config.ts";
import { inbound } from "./fake-adapter.ts";

let db: Database;
let store: ChannelPairingStore;
beforeEach(() => {
  db = openDatabase(":memory:");
  store = new ChannelPairingStore(db);
});
afterEach(() => db.close());

describe("checkAccess in DMs", () => {
  it("should give an unknown sender a pairing code with the approve command under pairing", () => {
    const d = checkAccess(inbound({ channel: "telegram", senderId: "42", text: "hi" }), defaultAccessPolicy(), store);
    expect(d.action).toBe("pair");
    if (d.action !== "pair") throw new Error("unexpected");
    expect(d.reply).toContain(`Pairing code: ${d.request.code}`);
    expect(d.reply).toContain(`mayros pairing approve telegram ${d.request.code}`);
    expect(d.reply).toContain("42");
  });

  it("should stay silent for a sender whose code is still pending", () => {
    const msg = inbound({ text: "hi" });
    expect(checkAccess(msg, defaultAccessPolicy(), store).action).toBe("pair");
    expect(checkAccess(msg, defaultAccessPolicy(), store)).toEqual({ action: "drop", reason: "pairing-pending" });
  });

  it("should tell a fourth unknown sender to wait", () => {
    for (const s of ["a", "b", "c"]) expect(checkAccess(inbound({ senderId: s, text: "hi" }), defaultAccessPolicy(), store).action).toBe("pair");
    expect(checkAccess(inbound({ senderId: "d", text: "hi" }), defaultAccessPolicy(), store)).toEqual({ action: "wait", reply: PAIRING_WAIT_REPLY });
  });

  it("should admit approved senders and allowFrom entries", () => {
    const d = checkAccess(inbound({ text: "hi" }), defaultAccessPolicy(), store);
    if (d.action !== "pair") throw new Error("unexpected");
    store.approve("test", d.request.code);
    expect(checkAccess(inbound({ text: "again" }), defaultAccessPolicy(), store)).toEqual({ action: "admit" });
    const policy = defaultAccessPolicy({ allowFrom: ["tg:@Ana"] });
    expect(checkAccess(inbound({ channel: "telegram", senderId: "@ana", text: "x" }), policy, store)).toEqual({ action: "admit" });
  });

  it("should drop unknown senders silently under allowlist, admit all under open and none under disabled", () => {
    expect(checkAccess(inbound({ text: "x" }), defaultAccessPolicy({ dmPolicy: "allowlist" }), store)).toEqual({ action: "drop", reason: "not-allowed" });
    expect(store.list()).toHaveLength(0);
    expect(checkAccess(inbound({ text: "x" }), defaultAccessPolicy({ dmPolicy: "allowlist", allowFrom: ["user-1"] }), store)).toEqual({ action: "admit" });
    expect(checkAccess(inbound({ text: "x" }), defaultAccessPolicy({ dmPolicy: "open" }), store)).toEqual({ action: "admit" });
    expect(checkAccess(inbound({ text: "x" }), defaultAccessPolicy({ dmPolicy: "disabled", allowFrom: ["user-1"] }), store)).toEqual({ action: "drop", reason: "dm-disabled" });
  });

  it("should normalize sender ids per channel", () => {
    expect(normalizeSenderId("telegram", "telegram:@Bob")).toBe("@bob");
    expect(normalizeSenderId("discord", "<@!123>")).toBe("123");
    expect(normalizeSenderId("discord", "user:123")).toBe("123");
    expect(normalizeSenderId("slack", "U0ABC")).toBe("u0abc");
  });
});

describe("checkAccess in groups", () => {
  const group = (p: Partial<Parameters<typeof inbound>[0]> = {}) => inbound({ chatType: "group", chatId: "g1", text: "hello", ...p });

  it("should ignore a group message without a mention when requireMention", () => {
    expect(checkAccess(group(), defaultAccessPolicy(), store)).toEqual({ action: "drop", reason: "no-mention" });
    expect(checkAccess(group({ mentionsBot: true }), defaultAccessPolicy(), store)).toEqual({ action: "admit" });
  });

  it("should honour per-group and wildcard requireMention", () => {
    expect(checkAccess(group(), defaultAccessPolicy({ groups: { g1: { requireMention: false } } }), store)).toEqual({ action: "admit" });
    expect(checkAccess(group(), defaultAccessPolicy({ groups: { "*": { requireMention: false } } }), store)).toEqual({ action: "admit" });
    expect(checkAccess(group(), defaultAccessPolicy({ requireMention: false, groups: { g1: { requireMention: true } } }), store).action).toBe("drop");
  });

  it("should apply groupPolicy and the per-group allowlist", () => {
    const m = group({ mentionsBot: true });
    expect(checkAccess(m, defaultAccessPolicy({ groupPolicy: "disabled" }), store)).toEqual({ action: "drop", reason: "group-disabled" });
    expect(checkAccess(m, defaultAccessPolicy({ groupPolicy: "allowlist" }), store)).toEqual({ action: "drop", reason: "group-not-allowed" });
    expect(checkAccess(m, defaultAccessPolicy({ groupPolicy: "allowlist", groups: { g1: { allow: true } } }), store)).toEqual({ action: "admit" });
    expect(checkAccess(m, defaultAccessPolicy({ groups: { g1: { allow: false } } }), store)).toEqual({ action: "drop", reason: "group-not-allowed" });
  });
});
