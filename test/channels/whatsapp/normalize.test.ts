/** @module WhatsApp message normalization, Markdown → WhatsApp markup, and JIDs ↔ numbers. */
import { describe, expect, it } from "bun:test";
import type { WAMessage } from "@whiskeysockets/baileys";
import { normalizeWhatsAppMessage } from "../../../src/channels/whatsapp/normalize.ts";
import { markdownToWhatsApp } from "../../../src/channels/whatsapp/format.ts";
import { jidToE164, toJid } from "../../../src/channels/whatsapp/jid.ts";
import { normalizeSenderId } from "../../../src/channels/access.ts";
import { waText } from "../../fakes/baileys-socket-fake.ts";

const self = { id: "15550000000:4@s.whatsapp.net", lid: "99887766:4@lid" };
const ANA = "15551110001@s.whatsapp.net";
const GROUP = "120363000000000001@g.us";
const norm = (m: WAMessage, botName?: string) => normalizeWhatsAppMessage(m, { accountId: "default", self, ...(botName ? { botName } : {}) });

describe("normalizeWhatsAppMessage", () => {
  it("should make a DM keyed by the peer JID with the sender as E.164", () => {
    expect(norm(waText(ANA, "hello", { id: "M1", pushName: "Ana" }))).toMatchObject({
      channel: "whatsapp", chatId: ANA, chatType: "dm", messageId: "M1", senderId: "+15551110001", senderName: "Ana", text: "hello", mentionsBot: false,
    });
  });

  it("should see a mention of our number or lid, strip its token, and count a reply to us as a mention", () => {
    const byNumber = norm(waText("15551110002@s.whatsapp.net", "@15550000000 what time is it?", { group: GROUP, mentions: ["15550000000@s.whatsapp.net"] }));
    expect(byNumber).toMatchObject({ chatId: GROUP, chatType: "group", senderId: "+15551110002", text: "what time is it?", mentionsBot: true });
    expect(norm(waText(ANA, "hey", { group: GROUP, mentions: ["99887766@lid"] }))?.mentionsBot).toBe(true);
    expect(norm(waText(ANA, "hey", { group: GROUP, mentions: ["15559999999@s.whatsapp.net"] }))?.mentionsBot).toBe(false);
    const reply = norm(waText(ANA, "and you?", { group: GROUP, replyTo: { id: "OURS1", participant: "15550000000@s.whatsapp.net" } }));
    expect(reply).toMatchObject({ mentionsBot: true, replyToMessageId: "OURS1" });
    expect(norm(waText(ANA, "@Mayros hi", { group: GROUP }), "Mayros")?.mentionsBot).toBe(true);
  });

  it("should use the phone-number JID beside a lid sender", () => {
    const m = waText("1234567@lid", "hi", { group: GROUP });
    (m.key as Record<string, unknown>).participantAlt = "15551110003@s.whatsapp.net";
    expect(norm(m)?.senderId).toBe("+15551110003");
  });

  it("should drop our own messages, status broadcasts, reactions and empty messages", () => {
    const own = waText(ANA, "mine");
    own.key.fromMe = true;
    expect(norm(own)).toBeUndefined();
    expect(norm(waText("status@broadcast", "story"))).toBeUndefined();
    expect(norm({ key: { remoteJid: ANA, id: "R1", fromMe: false }, message: { reactionMessage: { text: "👍" } } } as WAMessage)).toBeUndefined();
    expect(norm({ key: { remoteJid: ANA, id: "E1", fromMe: false }, message: {} } as WAMessage)).toBeUndefined();
  });

  it("should report media with its caption, unwrapping ephemeral messages", () => {
    const m = { key: { remoteJid: ANA, id: "I1", fromMe: false }, message: { ephemeralMessage: { message: { imageMessage: { caption: "look", mimetype: "image/png" } } } } } as WAMessage;
    expect(norm(m)).toMatchObject({ text: "look", media: [{ kind: "image", mimeType: "image/png" }] });
    const doc = { key: { remoteJid: ANA, id: "D1", fromMe: false }, message: { documentMessage: { fileName: "a.pdf", mimetype: "application/pdf" } } } as WAMessage;
    expect(norm(doc)).toMatchObject({ text: "", media: [{ kind: "file", name: "a.pdf" }] });
  });
});

describe("markdownToWhatsApp", () => {
  it("should convert emphasis, headings, links, bullets and tables and leave code alone", () => {
    const md = "# Title\n\n**bold** and *it* and ~~gone~~ and `x**y**`\n\n- one\n* two\n\n[docs](https://e.x/a)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```js\nconst s = **keep**;\n```";
    expect(markdownToWhatsApp(md)).toBe(
      "*Title*\n\n*bold* and _it_ and ~gone~ and `x**y**`\n\n• one\n• two\n\ndocs (https://e.x/a)\n\n• a: 1, b: 2\n\n```\nconst s = **keep**;\n```",
    );
  });
});

describe("WhatsApp ids", () => {
  it("should turn numbers into JIDs and back, and compare allowFrom entries as E.164", () => {
    expect(toJid("+1 (555) 111-0001")).toBe(ANA);
    expect(toJid(GROUP)).toBe(GROUP);
    expect(() => toJid("ana")).toThrow("not a WhatsApp number or JID: ana");
    expect(jidToE164("15551110001:12@s.whatsapp.net")).toBe("+15551110001");
    expect(normalizeSenderId("whatsapp", "whatsapp:+1 555 111 0001")).toBe("+15551110001");
    expect(normalizeSenderId("whatsapp", "15551110001@s.whatsapp.net")).toBe("+15551110001");
  });
});
