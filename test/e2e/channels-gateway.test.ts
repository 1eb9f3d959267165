/**
 * @module End-to-end tests of the channel layer through a real gateway with an in-memory adapter
 * (registered through the factory seam) and the fake model provider: pairing, routing, chunked
 * replies, mention gating, `send` idempotency, status, logout and failure isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { agentConfig, lastUserText, startFake } from "../helpers/agent.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { FakeAdapter } from "../channels/fake-adapter.ts";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";

describe("channels through a gateway", () => {
  let fake: SseFake;
  let h: ChannelHarness;
  let tg: FakeAdapter;

  beforeAll(async () => {
    fake = startFake("anthropic");
    const config = agentConfig("anthropic", fake.url, {
      messages: { queue: { debounceMs: 0 } },
      session: { dmScope: "per-channel-peer" },
      channels: { telegram: { botToken: "123:abc" } },
    });
    h = await startChannelGateway(config, {
      telegram: (opts: { accountId: string; botToken: string; mode: string }) => {
        expect(opts).toMatchObject({ accountId: "default", botToken: "123:abc", mode: "polling" });
        tg = new FakeAdapter({ channel: "telegram" });
        return tg;
      },
    });
  });
  afterAll(async () => {
    await h.stop();
    await fake.stop();
  });

  it("should report the configured account as connected", async () => {
    const res = await h.admin.request("channels.status", {});
    expect(res.ok).toBe(true);
    expect(res.payload.channels).toEqual([
      expect.objectContaining({ channel: "telegram", accountId: "default", state: "connected", enabled: true, configured: true, dmPolicy: "pairing", botName: "fakebot" }),
    ]);
  });

  it("should answer an unknown DM sender with a pairing code and not run the agent", async () => {
    tg.receive({ chatId: "dm-42", senderId: "42", senderName: "Ana", text: "hello bot" });
    await tg.waitForSent(1);
    const reply = tg.sent[0]!;
    expect(reply.target.chatId).toBe("dm-42");
    const code = /Pairing code: ([A-Z2-9]{8})/.exec(reply.message.text)?.[1];
    expect(code).toBeDefined();
    expect(reply.message.text.replace(/\n/g, " ")).toContain(`mayros pairing approve telegram ${code}`);
    expect(fake.requests).toHaveLength(0);

    const list = await h.admin.request("pairing.list", { channel: "telegram" });
    expect(list.payload.requests).toEqual([expect.objectContaining({ channel: "telegram", accountId: "default", senderId: "42", senderName: "Ana", code })]);
    const bad = await h.admin.request("pairing.approve", { channel: "telegram", code: "ZZZZZZZZ" });
    expect(bad.error).toMatchObject({ code: "INVALID_REQUEST", details: { code: "PAIRING_CODE_NOT_FOUND" } });
    const ok = await h.admin.request("pairing.approve", { channel: "telegram", code });
    expect(ok.payload).toEqual({ channel: "telegram", accountId: "default", senderId: "42", senderName: "Ana" });
    await tg.waitForSent(2);
    expect(tg.sent[1]!.target.chatId).toBe("dm-42");
    expect((await h.admin.request("pairing.list", {})).payload.requests).toEqual([]);
  });

  it("should run the agent for an approved sender and reply to the same chat and thread in order", async () => {
    const before = tg.sent.length;
    tg.textLimit = 12;
    fake.script({ text: ["Alpha beta gamma", " delta epsilon zeta"] });
    const msg = tg.receive({ chatId: "dm-42", senderId: "42", threadId: "th-1", text: "tell me" });
    // Chunks go out one after another: wait for the last one.
    const expected = "Alpha beta gamma delta epsilon zeta";
    while (tg.sent.slice(before).map((s) => s.message.text).join(" ") !== expected) await tg.waitForSent(tg.sent.length + 1);
    const chunks = tg.sent.slice(before);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(c.message.text.length).toBeLessThanOrEqual(12);
      expect(c.target).toMatchObject({ accountId: "default", chatId: "dm-42", threadId: "th-1" });
    }
    expect(chunks[0]!.target.replyToMessageId).toBe(msg.messageId);
    expect(lastUserText(fake.requests.at(-1)!.body)).toContain("tell me");
    expect((await h.admin.request("sessions.resolve", { key: "agent:main:telegram:dm:42" })).ok).toBe(true);
    tg.textLimit = 4000;
  });

  it("should ignore a group message without a mention and answer one with a mention", async () => {
    const requests = fake.requests.length;
    const before = tg.sent.length;
    fake.script({ text: ["Hi group"] });
    tg.receive({ chatType: "group", chatId: "-100", senderId: "7", senderName: "Bo", text: "chatter without mention" });
    tg.receive({ chatType: "group", chatId: "-100", senderId: "7", senderName: "Bo", text: "@fakebot hello", mentionsBot: true });
    await tg.waitForSent(before + 1);
    expect(fake.requests.length - requests).toBe(1);
    expect(lastUserText(fake.requests.at(-1)!.body)).toContain("Bo: @fakebot hello");
    expect(tg.sent.at(-1)).toMatchObject({ target: { chatId: "-100" }, message: { text: "Hi group" } });
  });

  it("should send through the channel once per idempotency key", async () => {
    const before = tg.sent.length;
    tg.textLimit = 12;
    const params = { to: "chat-9", message: "from the operator", channel: "telegram", idempotencyKey: "send-1" };
    const first = await h.admin.request("send", params);
    const retry = await h.admin.request("send", params);
    expect(first.payload).toMatchObject({ runId: "send-1", channel: "telegram", chatId: "chat-9" });
    expect(retry.payload).toEqual(first.payload);
    expect(tg.sent.slice(before).map((s) => [s.target.chatId, s.message.text])).toEqual([["chat-9", "from the"], ["chat-9", "operator"]]);
    tg.textLimit = 4000;
    const other = await h.admin.request("send", { to: "x", message: "hi", channel: "discord", idempotencyKey: "send-2" });
    expect(other.error).toMatchObject({ code: "UNAVAILABLE", message: "channel not configured: discord" });
    const dflt = await h.admin.request("send", { to: "chat-9", message: "hey", idempotencyKey: "send-3" });
    expect(dflt.payload).toMatchObject({ channel: "telegram" });
  });

  it("should log a channel out and report it stopped", async () => {
    const res = await h.admin.request("channels.logout", { channel: "telegram" });
    expect(res.payload).toEqual({ channel: "telegram", accountId: "default", loggedOut: true });
    expect(tg.stopped).toBe(1);
    expect(tg.loggedOut).toBe(1);
    expect((await h.admin.request("channels.status", {})).payload.channels[0]).toMatchObject({ channel: "telegram", state: "stopped" });
    expect((await h.admin.request("send", { to: "a", message: "b", channel: "telegram", idempotencyKey: "send-4" })).error.code).toBe("UNAVAILABLE");
  });
});

describe("channel failure isolation", () => {
  it("should report a channel whose start throws as disconnected and keep the others working", async () => {
    let tg: FakeAdapter | undefined;
    const h = await startChannelGateway({
      channels: { telegram: { botToken: "t" }, discord: { token: "d" }, slack: { botToken: "xoxb-1", appToken: "xapp-1" } },
    }, {
      telegram: () => (tg = new FakeAdapter({ channel: "telegram" })),
      discord: () => new FakeAdapter({ channel: "discord", failStart: "gateway refused the token" }),
      slack: () => { throw new Error("channel adapter module unavailable: slack"); },
    });
    try {
      const { channels } = (await h.admin.request("channels.status", {})).payload;
      const by = Object.fromEntries(channels.map((c: any) => [c.channel, c]));
      expect(by.telegram).toMatchObject({ state: "connected" });
      expect(by.discord).toMatchObject({ state: "disconnected", lastError: "gateway refused the token" });
      expect(by.slack).toMatchObject({ state: "error", lastError: "channel adapter module unavailable: slack", mode: "socket" });
      const sent = await h.admin.request("send", { to: "c", message: "still here", channel: "telegram", idempotencyKey: "iso-1" });
      expect(sent.ok).toBe(true);
      expect(tg!.sent.map((s) => s.message.text)).toEqual(["still here"]);
    } finally {
      await h.stop();
    }
  });

  it("should list an account without credentials as not configured and never start it", async () => {
    let built = 0;
    const h = await startChannelGateway({ channels: { discord: { dmPolicy: "allowlist", allowFrom: ["1"] } } }, { discord: () => { built++; return new FakeAdapter({ channel: "discord" }); } });
    try {
      const { channels } = (await h.admin.request("channels.status", {})).payload;
      expect(channels).toEqual([expect.objectContaining({ channel: "discord", enabled: false, configured: false, state: "stopped", dmPolicy: "allowlist" })]);
      expect(built).toBe(0);
    } finally {
      await h.stop();
    }
  });
});
