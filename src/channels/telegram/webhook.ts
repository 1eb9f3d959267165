/**
 * @module Telegram webhook endpoint: verifies `X-Telegram-Bot-Api-Secret-Token` in constant time
 * and hands the update to grammY (`bot.handleUpdate`). Mounted by the gateway on its HTTP server.
 */
import { safeEqual } from "../../crypto/primitives.ts";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";

/** Header in which Telegram sends the `secret_token` given to `setWebhook`. */
export const SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

function reply(status: number, body: string): Response {
  return new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });
}

/**
 * Builds the webhook handler. Answers 405 for non-POST, 401 on a missing or wrong secret (nothing is
 * delivered), 503 while the bot is not started, 400 for a body that is not an update, else 200 after
 * `deliver` ran.
 */
export function createWebhookHandler(
  secret: string,
  getBot: () => Bot | undefined,
  deliver: (bot: Bot, update: Update) => Promise<void>,
): (req: Request) => Promise<Response> {
  return async function webhookHandler(req: Request): Promise<Response> {
    if (req.method !== "POST") return reply(405, "method not allowed");
    if (!safeEqual(req.headers.get(SECRET_HEADER) ?? "", secret)) return reply(401, "unauthorized");
    const bot = getBot();
    if (!bot) return reply(503, "telegram adapter not started");
    let update: Update;
    try {
      update = (await req.json()) as Update;
    } catch {
      return reply(400, "invalid JSON");
    }
    if (typeof update !== "object" || update === null || typeof update.update_id !== "number") return reply(400, "not an update");
    await deliver(bot, update);
    return reply(200, "ok");
  };
}
