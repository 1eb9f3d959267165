/**
 * @module The iMessage (BlueBubbles) adapter against the loopback BlueBubbles fake: webhook authentication,
 * inbound normalization (DMs, groups, name mentions, tapbacks and own messages dropped, replies, media),
 * REST sends (plain text, replies via selectedMessageGuid, errors) and the ping-with-backoff status.
 */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { createBlueBubblesAdapter, type BlueBubblesAdapter } from "../../../src/channels/imessage/adapter.ts";
import { dmChat, messageEvent, startBlueBubblesFake, type BlueBubblesFake } from "../../fakes/bluebubbles-fake.ts";
import { recordingContext } from "../slack/context.ts";

const ANA = "+15551110001";
const GROUP = "iMessage;+;chat123456";

/** Hands `event` to the adapter's webhook handler the way the gateway route does. */
function deliver(adapter: BlueBubblesAdapter, event: unknown, { query = "", headers = {} }: { query?: string; headers?: Record<string, string> } = {}) {
  const body = typeof event === "string" ? event : JSON.stringify(event);
  return adapter.webhookHandler(new Request(`http://127.0.0.1/channels/imessage/webhook${query}`, { method: "POST", body, headers: { "content-type": "application/json", ...headers } }));
}

describe("imessage adapter", () => {
  let fake: BlueBubblesFake;
  let adapter: BlueBubblesAdapter;
  const auth = () => ({ query: `?password=${fake.password}` });

  beforeEach(() => {
    fake = startBlueBubblesFake({ password: "bb-pass" });
    adapter = createBlueBubblesAdapter({ accountId: "default", serverUrl: fake.url, password: fake.password, webhookSecret: "hook-secret", botName: "Jarvis", backoff: { initialMs: 10, maxMs: 50 } });
  });
  afterEach(async () => {
    await adapter.stop();
    fake.close();
  });

  it("should refuse to build without serverUrl or password", () => {
    expect(() => createBlueBubblesAdapter({ serverUrl: "", password: "x" })).toThrow("channels.imessage.serverUrl");
    expect(() => createBlueBubblesAdapter({ serverUrl: "http://127.0.0.1:1", password: "" })).toThrow("channels.imessage.password");
  });

  it("should answer 401 without a valid secret and accept ?password= or the x-mayros-token header", async () => {
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    const event = messageEvent(dmChat(ANA), ANA, "hello");
    expect((await deliver(adapter, event)).status).toBe(401);
    expect((await deliver(adapter, event, { query: "?password=wrong" })).status).toBe(401);
    expect((await deliver(adapter, event, { headers: { "x-mayros-token": "bb-pass" } })).status).toBe(401);
    expect((await deliver(adapter, event, { headers: { "x-mayros-token": "hook-secret-" } })).status).toBe(401);
    expect(rec.messages).toHaveLength(0);
    expect((await deliver(adapter, "{not json", auth())).status).toBe(400);
    expect((await deliver(adapter, event, { headers: { "x-mayros-token": "hook-secret" } })).status).toBe(200);
    expect((await deliver(adapter, messageEvent(dmChat(ANA), ANA, "again"), auth())).status).toBe(200);
    expect(rec.messages.map((m) => m.text)).toEqual(["hello", "again"]);
  });

  it("should normalize DMs, groups, name mentions, replies and media, dropping tapbacks, own messages and redeliveries", async () => {
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    expect(adapter.status()).toMatchObject({ channel: "imessage", state: "connected" });
    const dm = messageEvent(dmChat(ANA), ANA, "hello bot", { threadOriginatorGuid: "bb-orig-1" });
    await deliver(adapter, dm, auth());
    await deliver(adapter, dm, auth()); // BlueBubbles redelivery
    await deliver(adapter, messageEvent(dmChat(ANA), ANA, "Loved “hello bot”", { associatedMessageType: "love" }), auth());
    await deliver(adapter, messageEvent(dmChat(ANA), ANA, "👍", { associatedMessageType: 2001 }), auth());
    await deliver(adapter, messageEvent(dmChat(ANA), "me@icloud.test", "my own", { isFromMe: true }), auth());
    await deliver(adapter, { type: "updated-message", data: messageEvent(dmChat(ANA), ANA, "edit").data }, auth());
    await deliver(adapter, messageEvent(GROUP, ANA, "hey MAYROS, are you there?"), auth());
    await deliver(adapter, messageEvent(GROUP, ANA, "ask jarvis"), auth());
    await deliver(adapter, messageEvent(GROUP, ANA, "mayrosity is not a name"), auth());
    await deliver(adapter, messageEvent(dmChat(ANA), ANA, "", { associatedMessageType: 0, attachments: [{ guid: "att1", mimeType: "image/jpeg", transferName: "cat.jpg" }] }), auth());
    expect(rec.messages).toHaveLength(5);
    const [first, mention, named, plain, photo] = rec.messages;
    expect(first).toEqual({
      channel: "imessage", accountId: "default", chatId: dmChat(ANA), chatType: "dm", messageId: dm.data.guid, senderId: ANA,
      text: "hello bot", mentionsBot: false, replyToMessageId: "bb-orig-1", timestamp: dm.data.dateCreated,
    });
    expect(mention).toMatchObject({ chatId: GROUP, chatType: "group", senderId: ANA, mentionsBot: true });
    expect(named).toMatchObject({ chatType: "group", mentionsBot: true });
    expect(plain).toMatchObject({ chatType: "group", mentionsBot: false });
    expect(photo!.media).toEqual([{ kind: "image", mimeType: "image/jpeg", name: "cat.jpg" }]);
  });

  it("should send plain text to the chat guid and reply via selectedMessageGuid on the first chunk only", async () => {
    await adapter.start(recordingContext().ctx);
    const sent = await adapter.send({ accountId: "default", chatId: GROUP, replyToMessageId: "bb-in-42" }, { text: "**Bold** and `code`" });
    expect(sent.messageId).toBe("bb-out-1");
    const long = `${"word ".repeat(500)}\n\n${"more ".repeat(200)}`;
    await adapter.send({ accountId: "default", chatId: dmChat(ANA), replyToMessageId: "bb-in-43" }, { text: long });
    expect(fake.sends[0]).toMatchObject({ chatGuid: GROUP, message: "Bold and code", method: "private-api", selectedMessageGuid: "bb-in-42" });
    const rest = fake.sends.slice(1);
    expect(rest.length).toBe(2);
    expect(rest.every((s) => s.message.length <= 2000 && s.chatGuid === dmChat(ANA))).toBe(true);
    expect(rest[0]!.selectedMessageGuid).toBe("bb-in-43");
    expect(rest[1]!.selectedMessageGuid).toBeUndefined();
    expect(new Set(fake.sends.map((s) => s.tempGuid)).size).toBe(3);
  });

  it("should send without selectedMessageGuid with apple-script and reject a failed send", async () => {
    const plain = createBlueBubblesAdapter({ serverUrl: fake.url, password: fake.password, method: "apple-script" });
    await plain.start(recordingContext().ctx);
    await plain.send({ accountId: "default", chatId: dmChat(ANA), replyToMessageId: "bb-in-1" }, { text: "hi" });
    expect(fake.sends).toEqual([{ chatGuid: dmChat(ANA), message: "hi", method: "apple-script", tempGuid: fake.sends[0]!.tempGuid }]);
    fake.failNext(500, "Private API not enabled");
    await expect(plain.send({ accountId: "default", chatId: dmChat(ANA) }, { text: "x" })).rejects.toThrow("Private API not enabled");
    await plain.stop();
  });

  it("should report disconnected while the server is down at start and connect once it answers the ping", async () => {
    fake.down();
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    expect(adapter.status()).toMatchObject({ state: "disconnected" });
    expect(adapter.status().lastError).toContain("HTTP 503");
    const failed = await rec.status("disconnected", rec.statuses.indexOf(adapter.status()) + 1); // a retry, still down
    expect(failed.lastError).toContain("HTTP 503");
    fake.up();
    await rec.status("connected");
    expect(fake.pings).toBe(1);
    expect(adapter.status().state).toBe("connected");
  });

  it("should report a wrong server password as the ping error", async () => {
    const wrong = createBlueBubblesAdapter({ serverUrl: fake.url, password: "nope", backoff: { initialMs: 10_000 } });
    await wrong.start(recordingContext().ctx);
    expect(wrong.status()).toMatchObject({ state: "disconnected" });
    expect(wrong.status().lastError).toContain("HTTP 401");
    await wrong.stop();
    expect(wrong.status().state).toBe("stopped");
  });
});
