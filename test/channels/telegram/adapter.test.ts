import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { createTelegramAdapter, type TelegramAdapter } from "../../../src/channels/telegram/index.ts";
import { chunkText } from "../../../src/channels/types.ts";
import { startTelegramFake, type TelegramFake } from "../../fakes/telegram-fake.ts";
import { recordingContext } from "./context.ts";

let fake: TelegramFake;
let adapter: TelegramAdapter;
let rec: ReturnType<typeof recordingContext>;

beforeEach(async () => {
  fake = await startTelegramFake();
  adapter = createTelegramAdapter({ botToken: fake.token, apiRoot: fake.apiRoot });
  rec = recordingContext();
});

afterEach(async () => {
  await adapter.stop();
  await fake.stop();
});

async function startConnected(): Promise<void> {
  const polling = fake.nextCall("getUpdates", (c) => Number(c.params.timeout) > 0);
  await adapter.start(rec.ctx);
  await polling;
}

describe("createTelegramAdapter (polling)", () => {
  it("should connect with getMe and deleteWebhook, then long-poll getUpdates", async () => {
    await startConnected();
    expect(fake.calls.map((c) => c.method).slice(0, 3)).toEqual(["getMe", "deleteWebhook", "getUpdates"]);
    expect(adapter.status()).toMatchObject({ channel: "telegram", accountId: "default", state: "connected", botId: "4242", botName: "mayros_bot" });
    expect(rec.statuses.map((s) => s.state)).toEqual(["connecting", "connected"]);
    expect(adapter.textLimit).toBe(4096);
  });

  it("should normalize a private message as a dm addressed to the bot", async () => {
    await startConnected();
    const msg = fake.privateMessage({ text: "hello <there>", from: fake.user(555, "Bob", "bob") });
    fake.enqueue({ message: msg });
    const got = await rec.message(0);
    expect(got).toEqual({
      channel: "telegram", accountId: "default", chatId: "555", chatType: "dm", messageId: String(msg.message_id),
      senderId: "555", senderName: "Bob", text: "hello <there>", mentionsBot: true, timestamp: msg.date * 1000,
    });
  });

  it("should normalize group messages with and without a mention of the bot", async () => {
    await startConnected();
    fake.enqueue({ message: fake.groupMessage({ text: "just chatting" }) });
    fake.enqueue({ message: fake.groupMessage({ text: "what is up?", mention: true }) });
    fake.enqueue({ message: fake.groupMessage({ text: "hi @other_bot", entities: [{ type: "mention", offset: 3, length: 10 }] }) });
    const [plain, mentioned, other] = [await rec.message(0), await rec.message(1), await rec.message(2)];
    expect(plain).toMatchObject({ chatId: "-100123", chatType: "group", mentionsBot: false, text: "just chatting", senderId: "111", senderName: "Alice" });
    expect(plain.threadId).toBeUndefined();
    expect(mentioned).toMatchObject({ chatType: "group", mentionsBot: true, text: "what is up?" });
    expect(other).toMatchObject({ mentionsBot: false, text: "hi @other_bot" });
  });

  it("should count a reply to the bot's message as a mention and keep the reply-to id", async () => {
    await startConnected();
    const botMsg = fake.message({ chat: { id: -100123, type: "supergroup", title: "Group" }, from: fake.bot, text: "earlier answer" });
    fake.enqueue({ message: botMsg }); // the bot's own message is dropped
    fake.enqueue({ message: fake.groupMessage({ text: "thanks", reply_to_message: botMsg as never }) });
    const got = await rec.message(0);
    expect(got).toMatchObject({ text: "thanks", mentionsBot: true, replyToMessageId: String(botMsg.message_id) });
    expect(rec.messages).toHaveLength(1);
  });

  it("should map forum topic messages to threadId without treating the topic root as a reply", async () => {
    await startConnected();
    fake.enqueue({ message: fake.topicMessage({ threadId: 77, text: "in a topic", mention: true }) });
    fake.enqueue({ message: fake.message({ chat: { id: -100777, type: "supergroup", title: "Forum", is_forum: true }, text: "general" }) });
    const topic = await rec.message(0);
    expect(topic).toMatchObject({ chatId: "-100777", chatType: "group", threadId: "77", mentionsBot: true, text: "in a topic" });
    expect(topic.replyToMessageId).toBeUndefined();
    expect(await rec.message(1)).toMatchObject({ threadId: "1", mentionsBot: false });
  });

  it("should report photos and documents as media entries with file ids", async () => {
    await startConnected();
    fake.enqueue({
      message: fake.privateMessage({
        text: undefined as never, caption: "look",
        photo: [{ file_id: "small", file_unique_id: "s", width: 90, height: 90 }, { file_id: "big", file_unique_id: "b", width: 800, height: 600 }],
      }),
    });
    fake.enqueue({ message: fake.privateMessage({ text: undefined as never, document: { file_id: "doc1", file_unique_id: "d", file_name: "a.pdf", mime_type: "application/pdf" } }) });
    expect(await rec.message(0)).toMatchObject({ text: "look", media: [{ kind: "image", url: "tg-file:big", mimeType: "image/jpeg" }] });
    expect(await rec.message(1)).toMatchObject({ text: "", media: [{ kind: "file", url: "tg-file:doc1", name: "a.pdf", mimeType: "application/pdf" }] });
  });

  it("should send HTML with escaping, the topic thread id and the reply id", async () => {
    await startConnected();
    const res = await adapter.send({ accountId: "default", chatId: "-100777", threadId: "77", replyToMessageId: "12" }, { text: "**sum**: a < b & c" });
    const [call] = fake.callsOf("sendMessage");
    expect(call!.params).toMatchObject({
      chat_id: "-100777", text: "<b>sum</b>: a &lt; b &amp; c", parse_mode: "HTML", message_thread_id: 77,
      reply_parameters: { message_id: 12, allow_sending_without_reply: true },
    });
    expect(res.messageId).toMatch(/^\d+$/);
  });

  it("should send to the General topic without message_thread_id", async () => {
    await startConnected();
    await adapter.send({ accountId: "default", chatId: "-100777", threadId: "1" }, { text: "hi" });
    expect(fake.callsOf("sendMessage")[0]!.params.message_thread_id).toBeUndefined();
  });

  it("should retry as plain text when Telegram cannot parse the entities", async () => {
    await startConnected();
    fake.failNext("sendMessage", 400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0");
    await adapter.send({ accountId: "default", chatId: "555" }, { text: "*odd* a < b" });
    const [html, plain] = fake.callsOf("sendMessage");
    expect(html!.params.parse_mode).toBe("HTML");
    expect(plain!.params).toMatchObject({ text: "*odd* a < b" });
    expect(plain!.params.parse_mode).toBeUndefined();
  });

  it("should send a 10 000-char text as 3 ordered chunks", async () => {
    await startConnected();
    const text = Array.from({ length: 1000 }, (_, i) => `w${String(i).padStart(4, "0")}.`).join(" ").padEnd(10_000, "z").slice(0, 10_000);
    const chunks = chunkText(text, adapter.textLimit);
    expect(chunks).toHaveLength(3);
    for (const chunk of chunks) await adapter.send({ accountId: "default", chatId: "555" }, { text: chunk });
    const sent = fake.callsOf("sendMessage").map((c) => c.params.text as string);
    expect(sent).toEqual(chunks);
    expect(sent.every((t) => t.length <= 4096)).toBe(true);
    expect(sent.join(" ").replace(/\s+/g, " ")).toBe(text.replace(/\s+/g, " "));
  });

  it("should send media by URL with the text as HTML caption", async () => {
    await startConnected();
    await adapter.send({ accountId: "default", chatId: "555" }, { text: "a & b", media: [{ kind: "image", url: "https://example.test/p.png" }, { kind: "file", url: "https://example.test/f.pdf" }] });
    expect(fake.callsOf("sendPhoto")[0]!.params).toMatchObject({ chat_id: "555", photo: "https://example.test/p.png", caption: "a &amp; b", parse_mode: "HTML" });
    expect(fake.callsOf("sendDocument")[0]!.params).toMatchObject({ document: "https://example.test/f.pdf" });
    expect(fake.callsOf("sendDocument")[0]!.params.caption).toBeUndefined();
    expect(fake.callsOf("sendMessage")).toHaveLength(0);
  });

  it("should show typing with sendChatAction", async () => {
    await startConnected();
    await adapter.typing!({ accountId: "default", chatId: "-100777", threadId: "77" });
    expect(fake.callsOf("sendChatAction")[0]!.params).toMatchObject({ chat_id: "-100777", action: "typing", message_thread_id: 77 });
  });

  it("should report disconnected with lastError when the API refuses connections and reconnect when it is back", async () => {
    await startConnected();
    const from = rec.statuses.length;
    fake.down("refuse");
    const lost = await rec.status((s) => s.state === "disconnected", from);
    expect(lost.lastError).toBeString();
    expect(adapter.status().state).toBe("disconnected");
    const after = rec.statuses.length;
    fake.up();
    await rec.status((s) => s.state === "connected", after);
    expect(adapter.status().lastError).toBeUndefined();
    const msg = fake.privateMessage({ text: "back" });
    fake.enqueue({ message: msg });
    expect((await rec.message(0)).text).toBe("back");
  });

  it("should report disconnected on HTTP 502 and connected again once getMe succeeds", async () => {
    await startConnected();
    const from = rec.statuses.length;
    fake.down("502");
    const lost = await rec.status((s) => s.state === "disconnected", from);
    expect(lost.lastError).toContain("getUpdates");
    const reconnect = fake.nextCall("getMe");
    const after = rec.statuses.length;
    fake.up();
    await rec.status((s) => s.state === "connected", after);
    await reconnect;
  });

  it("should stop polling when stop() resolves", async () => {
    await startConnected();
    await adapter.stop();
    expect(adapter.status().state).toBe("stopped");
    const count = fake.callsOf("getUpdates").length;
    fake.enqueue({ message: fake.privateMessage({ text: "too late" }) });
    await fetch(`${fake.apiRoot}/bot${fake.token}/getMe`); // a round trip to the fake after stop
    expect(fake.callsOf("getUpdates")).toHaveLength(count);
    expect(rec.messages).toHaveLength(0);
  });

  it("should stop when the context signal aborts", async () => {
    await startConnected();
    const stopped = rec.status((s) => s.state === "stopped");
    rec.controller.abort();
    await stopped;
  });

  it("should end in state error without retrying when the token is rejected", async () => {
    const bad = createTelegramAdapter({ botToken: "1:WRONG", apiRoot: fake.apiRoot });
    await bad.start(rec.ctx);
    expect(bad.status()).toMatchObject({ state: "error", lastError: expect.stringContaining("401") });
    await bad.stop();
    expect(fake.callsOf("getMe")).toHaveLength(1);
    expect(fake.callsOf("getUpdates")).toHaveLength(0);
  });

  it("should do no I/O before start()", async () => {
    createTelegramAdapter({ botToken: fake.token, apiRoot: fake.apiRoot });
    await fetch(`${fake.apiRoot}/bot${fake.token}/getMe`);
    expect(fake.calls).toHaveLength(1);
  });

  it("should reject bad options with messages that name them", () => {
    expect(() => createTelegramAdapter({ botToken: "" })).toThrow("telegram: botToken: expected a non-empty string");
    expect(() => createTelegramAdapter({ botToken: "1:x", mode: "webhook" })).toThrow("telegram: webhookSecret: required in webhook mode");
  });
});
