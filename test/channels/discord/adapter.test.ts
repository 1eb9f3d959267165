/** @module Discord adapter against the loopback fake, driven by the real discord.js. */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { chunkText } from "../../../src/channels/types.ts";
import { setup, type Harness } from "./harness.ts";

let h: Harness;

beforeEach(() => {
  h = setup();
});
afterEach(async () => {
  await h.close();
});

async function started(): Promise<void> {
  await h.adapter.start(h.ctx);
  await h.statuses.when((s) => s.state === "connected");
}

describe("discord adapter: connection", () => {
  it("should log in through REST + gateway and report connected with the bot identity", async () => {
    const identify = h.fake.next("identify");
    await h.adapter.start(h.ctx);
    const status = await h.statuses.when((s) => s.state === "connected");
    const ident = await identify;
    expect(ident.token).toBe(h.fake.token);
    // Guilds | GuildMessages | DirectMessages | MessageContent
    expect(ident.intents).toBe(1 | 512 | 4096 | 32768);
    expect(status).toMatchObject({ channel: "discord", accountId: "default", state: "connected", botId: h.fake.bot.id, botName: "mayros-bot" });
    expect(h.adapter.status().state).toBe("connected");
    expect(h.fake.requests.some((r) => r.method === "GET" && r.path === "/gateway/bot" && r.auth === `Bot ${h.fake.token}`)).toBe(true);
  });

  it("should report disconnected with lastError when the service is down at start, then connect once it is up", async () => {
    h.fake.down();
    await h.adapter.start(h.ctx);
    const down = await h.statuses.when((s) => s.state === "disconnected");
    expect(down.lastError).toBe("login failed: 503: Service Unavailable");
    const connected = h.statuses.next((s) => s.state === "connected");
    h.fake.up();
    expect((await connected).lastError).toBeUndefined();
  });

  it("should report a dropped gateway as disconnected and resume to connected", async () => {
    await started();
    const disconnected = h.statuses.next((s) => s.state === "disconnected");
    const resumed = h.fake.next("resume");
    h.fake.down();
    expect((await disconnected).lastError).toBeDefined();
    const connected = h.statuses.next((s) => s.state === "connected");
    h.fake.up();
    await resumed;
    await connected;
  });

  it("should close the gateway WebSocket on stop() and report stopped", async () => {
    await started();
    expect(h.fake.connections).toBe(1);
    const closed = h.fake.next("close");
    await h.adapter.stop();
    expect((await closed).code).toBe(1000);
    expect(h.fake.connections).toBe(0);
    expect(h.adapter.status().state).toBe("stopped");
    await h.adapter.stop(); // idempotent
  });

  it("should stop when the context signal aborts", async () => {
    await started();
    const closed = h.fake.next("close");
    const stopped = h.statuses.next((s) => s.state === "stopped");
    h.abort.abort();
    await closed;
    await stopped;
  });
});

describe("discord adapter: inbound", () => {
  it("should normalize a DM", async () => {
    await started();
    const sent = h.fake.injectDm("hello bot");
    const m = await h.messages.next();
    expect(m).toMatchObject({
      channel: "discord", accountId: "default", chatType: "dm", chatId: h.fake.ids.dm, messageId: sent.id,
      senderId: h.fake.alice.id, senderName: "alice", text: "hello bot", mentionsBot: false,
    });
    expect(m.threadId).toBeUndefined();
    expect(typeof m.timestamp).toBe("number");
  });

  it("should normalize a guild message with a mention, stripping the mention", async () => {
    await started();
    h.fake.injectGuildMessage("what's up?", { mentionBot: true });
    const m = await h.messages.next();
    expect(m).toMatchObject({ chatType: "group", chatId: h.fake.ids.channel, text: "what's up?", mentionsBot: true });
  });

  it("should mark a guild message without mention as not mentioning the bot", async () => {
    await started();
    h.fake.injectGuildMessage("just chatting");
    expect(await h.messages.next()).toMatchObject({ chatType: "group", text: "just chatting", mentionsBot: false });
  });

  it("should treat a reply to the bot as a mention and carry replyToMessageId", async () => {
    await started();
    h.fake.injectGuildMessage("and then?", { replyTo: "700000000000000007" });
    expect(await h.messages.next()).toMatchObject({ mentionsBot: true, replyToMessageId: "700000000000000007" });
  });

  it("should normalize a thread message to the parent chat with threadId", async () => {
    await started();
    h.fake.injectThreadMessage("in thread", { mentionBot: true });
    const m = await h.messages.next();
    expect(m).toMatchObject({ chatType: "thread", chatId: h.fake.ids.channel, threadId: h.fake.ids.thread, text: "in thread", mentionsBot: true });
  });

  it("should ignore the bot's own messages", async () => {
    await started();
    h.fake.injectGuildMessage("echo", { author: h.fake.bot });
    h.fake.injectGuildMessage("from alice");
    expect((await h.messages.next()).text).toBe("from alice");
    expect(h.messages.items).toHaveLength(1);
  });
});

describe("discord adapter: outbound", () => {
  it("should send to a channel with a reply reference and return the message id", async () => {
    await started();
    const out = await h.adapter.send({ accountId: "default", chatId: h.fake.ids.channel, replyToMessageId: "800000000000000008" }, { text: "hi" });
    const rec = h.fake.sent.at(-1);
    expect(rec?.id).toBe(out.messageId);
    expect(rec?.channelId).toBe(h.fake.ids.channel);
    expect(rec?.body).toMatchObject({ content: "hi", message_reference: { message_id: "800000000000000008", fail_if_not_exists: false } });
    expect((rec?.body.allowed_mentions as { parse: string[] }).parse).not.toContain("everyone");
  });

  it("should send into a thread by its id", async () => {
    await started();
    await h.adapter.send({ accountId: "default", chatId: h.fake.ids.channel, threadId: h.fake.ids.thread }, { text: "threaded" });
    expect(h.fake.sent.at(-1)).toMatchObject({ channelId: h.fake.ids.thread, body: { content: "threaded" } });
    expect(h.fake.sent.at(-1)?.body.message_reference).toBeUndefined();
  });

  it("should send a 4500-char text as 3 ordered chunks within textLimit", async () => {
    await started();
    const text = Array.from({ length: 45 }, (_, i) => `${String(i).padStart(2, "0")}${"x".repeat(97)}`).join(" ") + "!";
    expect(text.length).toBe(4500);
    const chunks = chunkText(text, h.adapter.textLimit);
    expect(h.adapter.textLimit).toBe(2000);
    expect(chunks).toHaveLength(3);
    for (const c of chunks) await h.adapter.send({ accountId: "default", chatId: h.fake.ids.channel }, { text: c });
    const contents = h.fake.sent.map((s) => s.body.content as string);
    expect(contents).toEqual(chunks);
    expect(contents.every((c) => c.length <= 2000)).toBe(true);
    expect(contents.join(" ")).toBe(text);
  });

  it("should post typing to the thread or chat", async () => {
    await started();
    const req = h.fake.next("request");
    await h.adapter.typing?.({ accountId: "default", chatId: h.fake.ids.channel, threadId: h.fake.ids.thread });
    expect((await req).request).toMatchObject({ method: "POST", path: `/channels/${h.fake.ids.thread}/typing` });
  });

  it("should name the call and status when Discord rejects a send", async () => {
    await started();
    h.fake.down();
    await expect(h.adapter.send({ accountId: "default", chatId: h.fake.ids.channel }, { text: "x" })).rejects.toThrow(
      "Call to 'createMessage' failed (503: Service Unavailable)",
    );
  });

  it("should refuse to send before start", async () => {
    await expect(h.adapter.send({ accountId: "default", chatId: "1" }, { text: "x" })).rejects.toThrow("discord account default is not started");
  });
});
