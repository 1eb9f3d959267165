/** @module Tests of the channel router with a fake adapter and a recording agent: session keys, chunked replies, silence. */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import type { Database } from "bun:sqlite";
import { openDatabase } from "../../src/store/index.ts";
import { ChannelPairingStore } from "../../src/channels/pairing-store.ts";
import { defaultAccessPolicy } from "../../src/channels/config.ts";
import { ChannelRouter, inboundSessionKey } from "../../src/channels/router.ts";
import { FakeAdapter, inbound } from "./fake-adapter.ts";

let db: Database;
let runs: Array<{ sessionKey: string; message: string }>;
let reply: string;
let router: ChannelRouter;
const quiet = { debug() {}, warn() {} };

beforeEach(() => {
  db = openDatabase(":memory:");
  runs = [];
  reply = "ok";
  router = new ChannelRouter({
    pairing: new ChannelPairingStore(db), log: quiet,
    policyFor: () => defaultAccessPolicy({ dmPolicy: "open" }),
    session: () => ({ dmScope: "per-channel-peer", mainKey: "main" }),
    agent: { run: async (req) => { runs.push(req); return { runId: req.runId, status: "ok", text: reply }; } },
  });
});
afterEach(() => db.close());

describe("inboundSessionKey", () => {
  const s = (dmScope: "main" | "per-peer" | "per-channel-peer" | "per-account-channel-peer") => ({ dmScope, mainKey: "main" });
  it("should key DMs by dmScope", () => {
    const m = inbound({ channel: "telegram", senderId: "42", text: "x" });
    expect(inboundSessionKey(m, s("main"))).toBe("agent:main:main");
    expect(inboundSessionKey(m, s("per-peer"))).toBe("agent:main:dm:42");
    expect(inboundSessionKey(m, s("per-channel-peer"))).toBe("agent:main:telegram:dm:42");
    expect(inboundSessionKey(m, s("per-account-channel-peer"))).toBe("agent:main:telegram:default:dm:42");
  });

  it("should key groups, rooms, threads and Telegram topics", () => {
    expect(inboundSessionKey(inbound({ channel: "telegram", chatType: "group", chatId: "-100", text: "x" }), s("main"))).toBe("agent:main:telegram:group:-100");
    expect(inboundSessionKey(inbound({ channel: "telegram", chatType: "group", chatId: "-100", threadId: "7", text: "x" }), s("main"))).toBe("agent:main:telegram:group:-100:topic:7");
    expect(inboundSessionKey(inbound({ channel: "slack", chatType: "channel", chatId: "C1", text: "x" }), s("main"))).toBe("agent:main:slack:channel:C1");
    expect(inboundSessionKey(inbound({ channel: "slack", chatType: "channel", chatId: "C1", threadId: "1.2", text: "x" }), s("main"))).toBe("agent:main:slack:channel:C1:thread:1.2");
  });
});

describe("ChannelRouter", () => {
  it("should reply to the same chat and thread in order-preserving chunks, quoting only on the first", async () => {
    const adapter = new FakeAdapter({ textLimit: 10 });
    reply = "one two three four five six";
    const msg = inbound({ chatId: "c9", threadId: "t1", text: "hi" });
    const r = await router.handle(adapter, msg);
    expect(r).toMatchObject({ outcome: "replied", sessionKey: "agent:main:test:dm:user-1" });
    expect(adapter.sent.map((s) => s.message.text).join(" ")).toBe(reply);
    expect(adapter.sent.length).toBeGreaterThan(2);
    for (const s of adapter.sent) expect(s.target).toMatchObject({ accountId: "default", chatId: "c9", threadId: "t1" });
    expect(adapter.sent[0]!.target.replyToMessageId).toBe(msg.messageId);
    expect(adapter.sent.slice(1).every((s) => s.target.replyToMessageId === undefined)).toBe(true);
    expect(adapter.typed).toHaveLength(1);
  });

  it("should send nothing for NO_REPLY or an empty reply", async () => {
    const adapter = new FakeAdapter();
    reply = "NO_REPLY";
    expect((await router.handle(adapter, inbound({ text: "a" }))).outcome).toBe("silent");
    reply = "  ";
    expect((await router.handle(adapter, inbound({ text: "b" }))).outcome).toBe("silent");
    expect(adapter.sent).toHaveLength(0);
    expect(runs).toHaveLength(2);
  });

  it("should handle a redelivered message once", async () => {
    const adapter = new FakeAdapter();
    const msg = inbound({ text: "a" });
    await router.handle(adapter, msg);
    expect(await router.handle(adapter, msg)).toEqual({ outcome: "duplicate" });
    expect(runs).toHaveLength(1);
  });

  it("should prefix group messages with the sender name", async () => {
    const adapter = new FakeAdapter();
    await router.handle(adapter, inbound({ chatType: "group", chatId: "g", senderName: "Ana", mentionsBot: true, text: "hello" }));
    expect(runs[0]).toMatchObject({ sessionKey: "agent:main:test:group:g", message: "Ana: hello" });
  });
});
