/**
 * @module The HTTP entry points of webhook / HTTP-mode channels on the gateway port:
 * `POST /channels/telegram/webhook` (secret header checked here too) and `POST /channels/slack/events`
 * (the adapter verifies the Slack signature). Requests go to the running adapter's handler, else 503.
 */
import { timingSafeEqual } from "node:crypto";
import { Hono } from "hono";
import type { ChannelAccount } from "./config.ts";
import type { HttpChannelAdapter } from "./manager.ts";

/** Finds the default account of a channel and its running adapter. */
export type ChannelLookup = (channel: string) => { account: ChannelAccount; adapter?: HttpChannelAdapter } | undefined;

/** The Hono sub-app for the enabled `accounts`, or null when none needs an HTTP route. */
export function createChannelRoutes(accounts: ChannelAccount[], lookup: ChannelLookup): Hono | null {
  const telegram = accounts.some((a) => a.channel === "telegram" && a.mode === "webhook");
  const slack = accounts.some((a) => a.channel === "slack" && a.mode === "http");
  if (!telegram && !slack) return null;
  const app = new Hono();
  const unavailable = () => Response.json({ error: "channel not running" }, { status: 503 });
  if (telegram) {
    app.post("/channels/telegram/webhook", async (c) => {
      const found = lookup("telegram");
      const secret = found?.account.options.webhookSecret;
      if (typeof secret === "string" && !sameSecret(c.req.header("x-telegram-bot-api-secret-token") ?? "", secret)) {
        return c.json({ error: "unauthorized" }, 401);
      }
      const adapter = found?.adapter;
      return adapter?.webhookHandler ? adapter.webhookHandler(c.req.raw) : unavailable();
    });
  }
  if (slack) {
    app.post("/channels/slack/events", async (c) => {
      const adapter = lookup("slack")?.adapter;
      return adapter?.eventsHandler ? adapter.eventsHandler(c.req.raw) : unavailable();
    });
  }
  return app;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
