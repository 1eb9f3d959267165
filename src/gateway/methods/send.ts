/**
 * @module Handler of `send`: an outbound message through the channel layer (chunked per channel).
 * Retries are deduped by dispatch on the required `idempotencyKey`.
 */
import { GatewayError } from "../../protocol/errors.ts";
import type { SendParams, SendResult } from "../../protocol/methods/send.ts";
import type { MethodTable } from "../context.ts";

/** Messaging handlers. */
export const sendMethods: MethodTable = {
  /**
   * Sends `message` (and media) to chat `to` on `channel` (default: the first running channel).
   * @throws {GatewayError} `UNAVAILABLE` "channel not configured: <channel|default>" (details `CHANNEL_NOT_CONFIGURED`);
   * `INVALID_REQUEST` for `webchat` or when neither text nor media is given
   */
  send: async (p: SendParams, { services }): Promise<SendResult> => {
    if (p.channel === "webchat") throw new GatewayError("INVALID_REQUEST", "send does not deliver to webchat: use chat.send");
    const urls = [...(p.mediaUrl ? [p.mediaUrl] : []), ...(p.mediaUrls ?? [])];
    const text = p.message ?? "";
    const media = urls.map((url) => ({ kind: "file" as const, url }));
    // An unconfigured channel is the more useful answer when both problems apply.
    services.channels.require(p.channel, p.accountId);
    if (!text.trim() && media.length === 0) throw new GatewayError("INVALID_REQUEST", "send needs message text or media");
    const r = await services.channels.send({
      to: p.to, text, ...(p.channel && { channel: p.channel }), ...(p.accountId && { accountId: p.accountId }),
      ...(p.threadId && { threadId: p.threadId }), ...(media.length > 0 && { media }),
    });
    return { runId: p.idempotencyKey, messageId: r.messageId, channel: r.channel, chatId: r.chatId };
  },
};
