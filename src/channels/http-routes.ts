/**
 * @module The HTTP entry points of webhook / HTTP-mode channels on the gateway port:
 * `POST /channels/telegram/webhook` (secret header checked here too) and `POST /channels/slack/events`
 * (the adapter verifies the Slack signature) and `POST /channels/imessage/webhook` (BlueBubbles mode; the adapter
 * checks `?password=` / `x-mayros-token`) for the `default` account, and `POST /channels/telegram/<accountId>/webhook`,
 * `POST /channels/slack/<accountId>/events`, `POST /channels/imessage/<accountId>/webhook` for the others.
 * Requests go to the running adapter's handler, else 503; an account that is not in that mode gets 404.
 */
import { safeEqual } from "../crypto/primitives.ts";
import { Hono, type Context } from "hono";
import { DEFAULT_CHANNEL_ACCOUNT, type ChannelAccount } from "./config.ts";
import type { HttpChannelAdapter } from "./manager.ts";

/** Finds a channel account and its running adapter. */
export type ChannelLookup = (channel: string, accountId: string) => { account: ChannelAccount; adapter?: HttpChannelAdapter } | undefined;

/** The Hono sub-app for the enabled `accounts`, or null when none needs an HTTP route. */
export function createChannelRoutes(accounts: ChannelAccount[], lookup: ChannelLookup): Hono | null {
  const telegram = accounts.some((a) => a.channel === "telegram" && a.mode === "webhook");
  const slack = accounts.some((a) => a.channel === "slack" && a.mode === "http");
  const imessage = accounts.some((a) => a.channel === "imessage" && a.mode === "bluebubbles");
  if (!telegram && !slack && !imessage) return null;
  const app = new Hono();
  const unavailable = () => Response.json({ error: "channel not running" }, { status: 503 });
  const unknown = () => Response.json({ error: "unknown channel account" }, { status: 404 });
  if (telegram) {
    const webhook = async (c: Context, accountId: string) => {
      const found = lookup("telegram", accountId);
      if (!found || found.account.mode !== "webhook") return unknown();
      const secret = found.account.options.webhookSecret;
      if (typeof secret === "string" && !safeEqual(c.req.header("x-telegram-bot-api-secret-token") ?? "", secret)) {
        return c.json({ error: "unauthorized" }, 401);
      }
      const adapter = found.adapter;
      return adapter?.webhookHandler ? adapter.webhookHandler(c.req.raw) : unavailable();
    };
    app.post("/channels/telegram/webhook", (c) => webhook(c, DEFAULT_CHANNEL_ACCOUNT));
    app.post("/channels/telegram/:accountId/webhook", (c) => webhook(c, c.req.param("accountId")));
  }
  if (slack) {
    const events = async (accountId: string, req: Request) => {
      const found = lookup("slack", accountId);
      if (!found || found.account.mode !== "http") return unknown();
      const adapter = found.adapter;
      return adapter?.eventsHandler ? adapter.eventsHandler(req) : unavailable();
    };
    app.post("/channels/slack/events", (c) => events(DEFAULT_CHANNEL_ACCOUNT, c.req.raw));
    app.post("/channels/slack/:accountId/events", (c) => events(c.req.param("accountId"), c.req.raw));
  }
  if (imessage) {
    const webhook = async (accountId: string, req: Request) => {
      const found = lookup("imessage", accountId);
      if (!found || found.account.mode !== "bluebubbles") return unknown();
      return found.adapter?.webhookHandler ? found.adapter.webhookHandler(req) : unavailable();
    };
    app.post("/channels/imessage/webhook", (c) => webhook(DEFAULT_CHANNEL_ACCOUNT, c.req.raw));
    app.post("/channels/imessage/:accountId/webhook", (c) => webhook(c.req.param("accountId"), c.req.raw));
  }
  return app;
}
