/**
 * @module Outbound Telegram calls: `sendMessage` in HTML parse mode with a plain-text retry when
 * Telegram cannot parse the entities, topic (`message_thread_id`) and reply (`reply_parameters`)
 * routing, media by URL (`sendPhoto`/`sendDocument`) and `sendChatAction` typing.
 */
import type { Api } from "grammy";
import type { OutboundMessage, OutboundTarget } from "../types.ts";
import { GENERAL_TOPIC_ID } from "./normalize.ts";

/** Telegram's caption limit (after entity parsing). */
const CAPTION_LIMIT = 1024;

/** True for Telegram's "Bad Request: can't parse entities: …" answers. */
export function isParseEntitiesError(err: unknown): boolean {
  const e = err as { error_code?: unknown; description?: unknown } | null;
  return e?.error_code === 400 && typeof e.description === "string" && /can't parse entities/i.test(e.description);
}

/** Topic and reply routing shared by every send call (topic 1, "General", is sent without a thread id). */
function routing(target: OutboundTarget): Record<string, unknown> {
  const other: Record<string, unknown> = {};
  if (target.threadId !== undefined && target.threadId !== GENERAL_TOPIC_ID) other.message_thread_id = Number(target.threadId);
  if (target.replyToMessageId !== undefined) {
    other.reply_parameters = { message_id: Number(target.replyToMessageId), allow_sending_without_reply: true };
  }
  return other;
}

/** Calls `send` with HTML, then once more with the raw text when Telegram rejects the markup. */
async function withHtmlFallback<T>(markdown: string, format: (md: string) => string, send: (text: string, html: boolean) => Promise<T>): Promise<T> {
  try {
    return await send(format(markdown), true);
  } catch (err) {
    if (!isParseEntitiesError(err)) throw err;
    return send(markdown, false);
  }
}

/**
 * Sends one outbound message. `message.text` is Markdown; it is formatted with `format` and sent
 * with `parse_mode: "HTML"`, falling back to the raw text if Telegram cannot parse it. Media go
 * out by URL, the first one captioned with the text when it fits. Returns the last message id.
 */
export async function sendTelegramMessage(
  api: Api,
  target: OutboundTarget,
  message: OutboundMessage,
  format: (markdown: string) => string,
): Promise<{ messageId: string }> {
  const chatId = target.chatId;
  const other = routing(target);
  const media = message.media ?? [];
  let text = message.text;
  let lastId: number | undefined;

  for (const [i, item] of media.entries()) {
    const caption = i === 0 && text.length > 0 && text.length <= CAPTION_LIMIT ? text : "";
    if (caption) text = "";
    const sent = await withHtmlFallback<{ message_id: number }>(caption, format, (body, html) => {
      const opts = { ...other, ...(body ? { caption: body } : {}), ...(html && body ? { parse_mode: "HTML" as const } : {}) };
      return item.kind === "image" ? api.sendPhoto(chatId, item.url, opts) : api.sendDocument(chatId, item.url, opts);
    });
    lastId = sent.message_id;
  }
  if (text.length > 0 || lastId === undefined) {
    const sent = await withHtmlFallback(text, format, (body, html) =>
      api.sendMessage(chatId, body, { ...other, ...(html ? { parse_mode: "HTML" as const } : {}) }),
    );
    lastId = sent.message_id;
  }
  return { messageId: String(lastId) };
}

/** Shows "typing…" in the chat (and topic) of `target`; Telegram shows it for about 5 s. */
export async function sendTelegramTyping(api: Api, target: OutboundTarget): Promise<void> {
  const other: Record<string, unknown> = {};
  if (target.threadId !== undefined && target.threadId !== GENERAL_TOPIC_ID) other.message_thread_id = Number(target.threadId);
  await api.sendChatAction(target.chatId, "typing", other);
}
