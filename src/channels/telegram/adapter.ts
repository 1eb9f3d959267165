/**
 * @module The Telegram channel adapter: grammY (loaded in `start()`) for the Bot API, our own
 * long-polling loop with reconnect backoff and status reporting, or webhook mode where updates
 * arrive through {@link TelegramAdapter.webhookHandler}.
 */
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { ChannelAdapter, ChannelContext, ChannelStatus } from "../types.ts";
import { backoffDelay } from "../backoff.ts";
import { markdownToTelegramHtml } from "./format.ts";
import { normalizeMessage } from "./normalize.ts";
import { sendTelegramMessage, sendTelegramTyping } from "./send.ts";
import { createWebhookHandler } from "./webhook.ts";

/** Options of {@link createTelegramAdapter}. */
export interface TelegramAdapterOptions {
  /** @default "default" */
  accountId?: string;
  botToken: string;
  /** Bot API root without trailing `/`. @default "https://api.telegram.org" */
  apiRoot?: string;
  /** `polling` long-polls `getUpdates`; `webhook` only receives updates via `webhookHandler`. @default "polling" */
  mode?: "polling" | "webhook";
  /** Required in webhook mode: the `X-Telegram-Bot-Api-Secret-Token` Telegram sends. */
  webhookSecret?: string;
}

/** A Telegram account; in webhook mode it also answers Telegram's webhook POSTs. */
export interface TelegramAdapter extends ChannelAdapter {
  /** Checks the secret header (401 on mismatch) and hands the update to grammY. Webhook mode only. */
  webhookHandler?(req: Request): Promise<Response>;
}

/** grammY's Node typings name the `abort-controller` polyfill's signal; the native one works at runtime. */
type GrammySignal = Parameters<Bot["api"]["getMe"]>[0];
const sig = (signal: AbortSignal): GrammySignal => signal as unknown as GrammySignal;

/** Long-poll timeout of `getUpdates`, in seconds. */
const POLL_TIMEOUT_S = 30;
const BACKOFF_INITIAL_MS = 250;
const BACKOFF_MAX_MS = 30_000;

/** Telegram's numeric error code of a grammY error (`GrammyError`), if it is one. */
function errorCode(err: unknown): number | undefined {
  const code = (err as { error_code?: unknown } | null)?.error_code;
  return typeof code === "number" ? code : undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Resolves after `ms`, or early when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * Creates a Telegram adapter. No I/O happens until `start()`, which imports grammY, calls `getMe`
 * and (polling mode) `deleteWebhook` then long-polls `getUpdates`. When the Bot API is unreachable
 * the status turns `disconnected` (with `lastError`) and the adapter retries with exponential
 * backoff until `getMe` succeeds again. A 401 (bad token) is final: status `error`.
 */
export function createTelegramAdapter({
  accountId = "default",
  botToken,
  apiRoot,
  mode = "polling",
  webhookSecret,
}: TelegramAdapterOptions): TelegramAdapter {
  if (typeof botToken !== "string" || botToken.trim() === "") throw new Error("telegram: botToken: expected a non-empty string");
  if (mode !== "polling" && mode !== "webhook") throw new Error(`telegram: mode: expected "polling" or "webhook", got ${String(mode)}`);
  if (mode === "webhook" && !webhookSecret) throw new Error("telegram: webhookSecret: required in webhook mode");
  if (apiRoot !== undefined && apiRoot.endsWith("/")) apiRoot = apiRoot.replace(/\/+$/, "");

  let current: ChannelStatus = { channel: "telegram", accountId, state: "stopped", since: Date.now() };
  let bot: Bot | undefined;
  let ctx: ChannelContext | undefined;
  let abort: AbortController | undefined;
  let running: Promise<void> | undefined;

  function setStatus(patch: Partial<ChannelStatus> & Pick<ChannelStatus, "state">): void {
    const changed = patch.state !== current.state || patch.lastError !== current.lastError;
    current = { ...current, lastError: undefined, ...patch, since: changed ? Date.now() : current.since };
    if (patch.lastError === undefined) delete current.lastError;
    if (changed) ctx?.onStatus({ ...current });
  }

  /** `getMe` (and `deleteWebhook` when polling) until it works; false once aborted or the token is bad. */
  async function connect(b: Bot, signal: AbortSignal, onFirstAttempt: () => void): Promise<boolean> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const me = await b.api.getMe(sig(signal));
        if (mode === "polling") await b.api.deleteWebhook({}, sig(signal));
        b.botInfo = me;
        setStatus({ state: "connected", botId: String(me.id), botName: me.username });
        onFirstAttempt();
        return true;
      } catch (err) {
        if (signal.aborted) break;
        const fatal = errorCode(err) === 401;
        setStatus({ state: fatal ? "error" : "disconnected", lastError: errorText(err) });
        const delay = backoffDelay(failures++, { initialMs: BACKOFF_INITIAL_MS, maxMs: BACKOFF_MAX_MS });
        ctx?.log.warn("telegram connect failed", { accountId, error: errorText(err), retryInMs: fatal ? undefined : Math.round(delay) });
        onFirstAttempt();
        if (fatal) return false;
        await pause(delay, signal);
      }
    }
    return false;
  }

  /** The long-polling loop: fetch, hand each update to grammY, reconnect on failure. */
  async function poll(b: Bot, signal: AbortSignal, onFirstAttempt: () => void): Promise<void> {
    let offset = 0;
    while (await connect(b, signal, onFirstAttempt)) {
      try {
        while (!signal.aborted) {
          const updates = await b.api.getUpdates({ offset, timeout: POLL_TIMEOUT_S, allowed_updates: ["message", "channel_post"] }, sig(signal));
          for (const update of updates) {
            offset = Math.max(offset, update.update_id + 1);
            await deliver(b, update);
          }
        }
      } catch (err) {
        if (signal.aborted) break;
        const code = errorCode(err);
        setStatus({ state: code === 401 ? "error" : "disconnected", lastError: errorText(err) });
        ctx?.log.warn("telegram polling failed", { accountId, error: errorText(err) });
        if (code === 401) return;
        await pause(BACKOFF_INITIAL_MS, signal);
      }
    }
    // Confirm the updates handled last so they are not redelivered on the next start (best effort).
    if (offset > 0) await b.api.getUpdates({ offset, limit: 1, timeout: 0 }, sig(AbortSignal.timeout(2000))).catch(() => undefined);
  }

  async function deliver(b: Bot, update: Update): Promise<void> {
    try {
      await b.handleUpdate(update);
    } catch (err) {
      ctx?.log.warn("telegram update handling failed", { accountId, updateId: update.update_id, error: errorText(err) });
    }
  }

  const adapter: TelegramAdapter = {
    channel: "telegram",
    accountId,
    textLimit: 4096,

    async start(context: ChannelContext): Promise<void> {
      if (running || abort) return;
      ctx = context;
      const controller = new AbortController();
      abort = controller;
      const { Bot: GrammyBot } = await import("grammy");
      if (abort !== controller) return; // stopped while loading grammY
      const b = new GrammyBot(botToken, apiRoot ? { client: { apiRoot } } : {});
      b.on(["message", "channel_post"], (c) => {
        const message = c.msg;
        const normalized = normalizeMessage(message, b.botInfo, accountId);
        if (normalized) ctx?.onMessage(normalized);
      });
      bot = b;
      if (context.signal.aborted) return;
      context.signal.addEventListener("abort", () => void adapter.stop(), { once: true });
      setStatus({ state: "connecting" });
      let settle!: () => void;
      const firstAttempt = new Promise<void>((resolve) => (settle = resolve));
      running = (mode === "polling" ? poll(b, controller.signal, settle) : connect(b, controller.signal, settle).then(() => undefined))
        .catch((err) => {
          setStatus({ state: "error", lastError: errorText(err) });
        })
        .finally(settle);
      await firstAttempt;
    },

    async stop(): Promise<void> {
      const wasRunning = running;
      abort?.abort();
      abort = undefined;
      if (wasRunning) await wasRunning;
      if (running === wasRunning) running = undefined;
      if (current.state !== "stopped") setStatus({ state: "stopped" });
    },

    async send(target, message) {
      if (!bot) throw new Error("telegram: send before start()");
      return sendTelegramMessage(bot.api, target, message, markdownToTelegramHtml);
    },

    async typing(target) {
      if (!bot) return;
      await sendTelegramTyping(bot.api, target).catch((err) => ctx?.log.debug("telegram typing failed", { error: errorText(err) }));
    },

    format: markdownToTelegramHtml,

    status: () => ({ ...current }),
  };

  if (mode === "webhook") {
    adapter.webhookHandler = createWebhookHandler(webhookSecret ?? "", () => (running && bot?.isInited() ? bot : undefined), deliver);
  }
  return adapter;
}
