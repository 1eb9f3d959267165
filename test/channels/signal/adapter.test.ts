/**
 * @module The Signal adapter against the loopback signal-cli fake: SSE inbound (DMs, groups, mentions,
 * quotes, own messages dropped), JSON-RPC `send` (plain text, recipient vs groupId, quotes, errors) and
 * reconnecting with backoff after the daemon went down.
 */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { createSignalAdapter } from "../../../src/channels/signal/index.ts";
import type { ChannelAdapter } from "../../../src/channels/types.ts";
import { startSignalFake, type SignalFake } from "../../fakes/signal-fake.ts";
import { recordingContext } from "../slack/context.ts";

describe("signal adapter", () => {
  let fake: SignalFake;
  let adapter: ChannelAdapter;

  beforeEach(() => {
    fake = startSignalFake({ account: "+15550000000" });
    adapter = createSignalAdapter({ accountId: "default", url: fake.url, account: fake.account, backoff: { initialMs: 10, maxMs: 50 } });
  });
  afterEach(async () => {
    await adapter.stop();
    fake.close();
  });

  it("should refuse to build without url or account", () => {
    expect(() => createSignalAdapter({ url: "", account: "+1" })).toThrow("channels.signal.url");
    expect(() => createSignalAdapter({ url: "http://127.0.0.1:1", account: "" })).toThrow("channels.signal.account");
  });

  it("should connect and normalize a DM, a group mention and a quote, dropping our own messages", async () => {
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    expect(adapter.status()).toMatchObject({ state: "connected", botId: "+15550000000" });
    fake.sync("sent from my phone");
    const ts = fake.dm("+15551110001", "hello bot", { quote: { id: 42, author: "+15550000000" } });
    const first = await rec.message(1);
    expect(first).toMatchObject({
      channel: "signal", accountId: "default", chatId: "+15551110001", chatType: "dm", messageId: String(ts),
      senderId: "+15551110001", senderName: "Ana", text: "hello bot", mentionsBot: false, replyToMessageId: "42",
    });
    fake.group("grp==", "+15551110002", "are you there?", { mention: true });
    fake.group("grp==", "+15551110002", "just chatting");
    fake.dm("+15551110001", "", { attachments: [{ id: "att1", contentType: "image/png", filename: "cat.png" }] });
    const [mention, plain, photo] = [await rec.message(2), await rec.message(3), await rec.message(4)];
    expect(mention).toMatchObject({ chatId: "grp==", chatType: "group", text: "are you there?", mentionsBot: true });
    expect(plain).toMatchObject({ chatId: "grp==", chatType: "group", text: "just chatting", mentionsBot: false });
    expect(photo.media).toEqual([{ kind: "image", mimeType: "image/png", name: "cat.png" }]);
    expect(rec.messages).toHaveLength(4);
  });

  it("should send plain text to a number or a group and quote the replied-to message", async () => {
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    const ts = fake.group("grp==", "+15551110002", "question", { mention: true });
    await rec.message(1);
    const sent = await adapter.send({ accountId: "default", chatId: "grp==", replyToMessageId: String(ts) }, { text: "**Bold** and `code`" });
    expect(sent.messageId).toMatch(/^\d+$/);
    await adapter.send({ accountId: "default", chatId: "+15551110001" }, { text: "# Title\n- [docs](https://example.test)" });
    expect(fake.sends).toEqual([
      { account: "+15550000000", groupId: "grp==", message: "Bold and code", quoteTimestamp: ts, quoteAuthor: "+15551110002" },
      { account: "+15550000000", recipient: ["+15551110001"], message: "Title\n• docs (https://example.test)" },
    ]);
  });

  it("should reject a send answered with a JSON-RPC error", async () => {
    await adapter.start(recordingContext().ctx);
    fake.failNext("send", -1, "Invalid group id");
    await expect(adapter.send({ accountId: "default", chatId: "nope" }, { text: "x" })).rejects.toThrow("Invalid group id");
  });

  it("should report disconnected when the daemon drops and reconnect once it is back", async () => {
    const rec = recordingContext();
    await adapter.start(rec.ctx);
    expect(adapter.status().state).toBe("connected");
    const mark = rec.statuses.length;
    fake.down();
    const down = await rec.status("disconnected", mark);
    expect(down.lastError).toBeDefined();
    const failed = await rec.status("disconnected", rec.statuses.indexOf(down) + 1); // a refused retry
    expect(failed.lastError).toContain("HTTP 503");
    fake.up();
    await rec.status("connected", rec.statuses.indexOf(failed) + 1);
    expect(fake.connections).toBe(2);
    fake.dm("+15551110001", "back again");
    expect((await rec.message(1)).text).toBe("back again");
  });

  it("should report disconnected when nothing listens and stop retrying after stop", async () => {
    const dead = createSignalAdapter({ url: "http://127.0.0.1:1", account: "+15550000000", backoff: { initialMs: 10, maxMs: 20 } });
    const rec = recordingContext();
    await dead.start(rec.ctx);
    expect(dead.status()).toMatchObject({ state: "disconnected" });
    expect(dead.status().lastError).toStartWith("signal events:");
    await rec.status("connecting", rec.statuses.length); // it retries on its own
    await dead.stop();
    expect(dead.status().state).toBe("stopped");
  });
});
