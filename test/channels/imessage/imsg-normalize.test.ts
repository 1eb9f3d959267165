/**
 * @module `imsg` `message` notifications → InboundMessage with plain objects: DMs and groups (by `is_group`, chat guid
 * or participants), name mentions shared with BlueBubbles, ids and chat fallbacks, replies, media, timestamps,
 * and what is dropped (own messages, missing ids, empty messages).
 */
import { describe, expect, it } from "bun:test";
import { normalizeImsgNotification } from "../../../src/channels/imessage/imsg/normalize.ts";

const opts = { accountId: "default", botName: "Jarvis" };
const base = { id: 41, guid: "G-41", chat_id: 7, sender: "+15551110001", text: "hello", is_from_me: false, created_at: "2024-01-02T03:04:05.000Z" };
const norm = (message: Record<string, unknown>) => normalizeImsgNotification({ subscription: 1, message }, opts);

describe("imsg normalize", () => {
  it("should map a DM to the numeric chat id, the guid and the sender", () => {
    expect(norm({ ...base, is_group: false, reply_to_guid: "G-40" })).toEqual({
      channel: "imessage", accountId: "default", chatId: "7", chatType: "dm", messageId: "G-41", senderId: "+15551110001",
      text: "hello", mentionsBot: false, replyToMessageId: "G-40", timestamp: Date.parse("2024-01-02T03:04:05.000Z"),
    });
  });

  it("should tell groups by is_group, a ;+; chat guid or several participants, and gate mentions on the bot's name", () => {
    expect(norm({ ...base, is_group: true, text: "just chatter" })).toMatchObject({ chatType: "group", mentionsBot: false });
    expect(norm({ ...base, is_group: true, text: "hey @jarvis, help" })).toMatchObject({ chatType: "group", mentionsBot: true });
    expect(norm({ ...base, chat_guid: "iMessage;+;chat99", text: "MAYROS what time is it" })).toMatchObject({ chatType: "group", mentionsBot: true });
    expect(norm({ ...base, participants: ["+1", "+2"], text: "mayrosian is not a mention" })).toMatchObject({ chatType: "group", mentionsBot: false });
    expect(norm({ ...base, is_group: false, chat_guid: "iMessage;+;chat99", text: "mayros" })).toMatchObject({ chatType: "dm", mentionsBot: false });
  });

  it("should fall back to the row id, the chat guid and the reply_to alias, and read attachments and ms timestamps", () => {
    const m = norm({
      id: 42, chat_guid: "iMessage;-;bea@icloud.test", sender: "bea@icloud.test", text: "\uFFFC", reply_to: "G-1", created_at: 1_700_000_000_123,
      attachments: [{ transfer_name: "cat.jpg", mime_type: "image/jpeg" }, { filename: "~/Library/Messages/Attachments/x.pdf", mime_type: null }],
    });
    expect(m).toEqual({
      channel: "imessage", accountId: "default", chatId: "iMessage;-;bea@icloud.test", chatType: "dm", messageId: "42", senderId: "bea@icloud.test",
      text: "", mentionsBot: false, replyToMessageId: "G-1", timestamp: 1_700_000_000_123,
      media: [{ kind: "image", mimeType: "image/jpeg", name: "cat.jpg" }, { kind: "file", name: "~/Library/Messages/Attachments/x.pdf" }],
    });
  });

  it("should drop own messages, messages without id, chat or sender, empty messages and malformed params", () => {
    expect(norm({ ...base, is_from_me: true })).toBeUndefined();
    expect(norm({ ...base, id: undefined, guid: undefined })).toBeUndefined();
    expect(norm({ ...base, chat_id: undefined })).toBeUndefined();
    expect(norm({ ...base, sender: "" })).toBeUndefined();
    expect(norm({ ...base, text: "  \uFFFC ", attachments: [] })).toBeUndefined();
    expect(normalizeImsgNotification(undefined, opts)).toBeUndefined();
    expect(normalizeImsgNotification({ message: "text" }, opts)).toBeUndefined();
  });

  it("should use now for a missing or unparseable created_at", () => {
    const before = Date.now();
    const m = norm({ ...base, created_at: "yesterday-ish" });
    expect(m!.timestamp).toBeGreaterThanOrEqual(before);
  });
});
