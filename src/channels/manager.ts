/**
 * @module The channel manager: builds adapters only for configured channels (their modules — and the
 * grammy / discord.js / Slack libraries and the Signal / iMessage clients behind them — are imported lazily), starts each account in
 * isolation (one adapter per `channel:accountId`), tracks status, routes inbound messages (replies go out
 * through the account they came in on), sends, logs out, mounts the webhook routes
 * (`POST /channels/telegram[/<accountId>]/webhook`, `POST /channels/slack[/<accountId>]/events`,
 * `POST /channels/imessage[/<accountId>]/webhook`) and stops everything on gateway stop.
 */
import type { Hono } from "hono";
import { join } from "node:path";
import { createChannelRoutes } from "./http-routes.ts";
import type { DmScope } from "../sessions/keys.ts";
import { GatewayError } from "../protocol/errors.ts";
import { resolveChannelAccounts, type ChannelAccessPolicy, type ChannelAccount, DEFAULT_CHANNEL_ACCOUNT, BUILTIN_CHANNELS } from "./config.ts";
import type { ChannelPairingStore, PairingRequest } from "./pairing-store.ts";
import { ChannelRouter, deliverText, type RouterDeps } from "./router.ts";
import type { ChannelAdapter, ChannelStatus, InboundMessage, LoginStep } from "./types.ts";
import { AdapterLoader, type ChannelFactory, type HttpChannelAdapter } from "./adapter-loader.ts";
import type { ChannelAuthStore } from "./auth-store.ts";

export { importedAdapterModules, type ChannelFactory, type HttpChannelAdapter } from "./adapter-loader.ts";

/** A channel account in `channels.status`. */
export interface ChannelAccountStatus extends ChannelStatus {
  enabled: boolean;
  configured: boolean;
  mode?: string;
  dmPolicy: ChannelAccessPolicy["dmPolicy"];
}

/** What the manager needs from the gateway. */
export interface ChannelManagerDeps {
  accounts: ChannelAccount[];
  pairing: ChannelPairingStore;
  agent: RouterDeps["agent"];
  session(): { dmScope: DmScope; mainKey: string };
  log: RouterDeps["log"] & { info(msg: string, f?: Record<string, unknown>): void; child?(name: string): unknown };
  /** Factories that replace the built-in module imports (tests). */
  factories?: Record<string, ChannelFactory>;
  /** The login-state store of one account (channels with a login). */
  authStore?(channel: string, accountId: string): ChannelAuthStore;
  /** Where downloaded inbound media goes (a folder per channel below it). */
  mediaDir?: string;
  /** Plugin hooks and chat commands for the router. */
  plugins?: RouterDeps["plugins"];
  /** How long `stop` waits for one adapter. @default 5000 */
  stopTimeoutMs?: number;
}

interface Entry {
  account: ChannelAccount;
  adapter?: HttpChannelAdapter;
  status: ChannelStatus;
  abort: AbortController;
  started?: Promise<void>;
}

const keyOf = (channel: string, accountId: string) => `${channel}:${accountId}`;

/** Every configured channel account of one gateway. */
export class ChannelManager {
  private readonly entries = new Map<string, Entry>();
  private readonly loader: AdapterLoader;
  private readonly router: ChannelRouter;
  private stopped = false;
  /** HTTP routes of webhook/HTTP-mode accounts, or null when none needs one. */
  readonly routes: Hono | null;

  constructor(private readonly deps: ChannelManagerDeps) {
    this.loader = new AdapterLoader(deps.factories);
    this.router = new ChannelRouter({
      agent: deps.agent, pairing: deps.pairing, session: deps.session, log: deps.log, ...(deps.plugins && { plugins: deps.plugins }),
      policyFor: (channel, accountId) => this.entries.get(keyOf(channel, accountId))?.account.policy,
    });
    for (const account of deps.accounts) this.entries.set(keyOf(account.channel, account.accountId), this.newEntry(account));
    this.routes = createChannelRoutes(deps.accounts.filter((a) => a.enabled), (channel, accountId) => {
      const e = this.entries.get(keyOf(channel, accountId));
      return e && { account: e.account, adapter: e.adapter };
    });
  }

  /** Builds a manager from the gateway config (`channels.*` plus env credential fallbacks). */
  static fromConfig(config: Parameters<typeof resolveChannelAccounts>[0], env: NodeJS.ProcessEnv, deps: Omit<ChannelManagerDeps, "accounts">): ChannelManager {
    return new ChannelManager({ ...deps, accounts: resolveChannelAccounts(config, env) });
  }

  /** Registers (or replaces) the factory of a channel id; used by tests to plug in in-memory adapters. */
  registerFactory(channel: string, factory: ChannelFactory): void {
    this.loader.register(channel, factory);
  }

  /** Adapter modules this manager imported. */
  importedModules(): string[] {
    return this.loader.importedModules();
  }

  /** Starts every enabled account, each in isolation; resolves once every first attempt settled. Never throws. */
  async start(): Promise<void> {
    await Promise.all([...this.entries.values()].filter((e) => e.account.enabled).map((e) => this.startEntry(e)));
  }

  /** Adds (or replaces) and starts one account. Never throws. */
  async startAccount(account: ChannelAccount): Promise<void> {
    const key = keyOf(account.channel, account.accountId);
    const old = this.entries.get(key);
    if (old) await this.stopEntry(old);
    const entry = this.newEntry(account);
    this.entries.set(key, entry);
    if (account.enabled) await this.startEntry(entry);
  }

  /** Every account's status. */
  status(): ChannelAccountStatus[] {
    return [...this.entries.values()].map((e) => ({
      ...this.currentStatus(e),
      enabled: e.account.enabled, configured: e.account.configured,
      ...(e.account.mode && { mode: e.account.mode }), dmPolicy: e.account.policy.dmPolicy,
    }));
  }

  /** The running adapter of an account, if any. */
  adapter(channel: string, accountId = DEFAULT_CHANNEL_ACCOUNT): ChannelAdapter | undefined {
    return this.entries.get(keyOf(channel, accountId))?.adapter;
  }

  /**
   * Sends `text` to chat `to`; `channel` defaults to the first started channel.
   * @throws {GatewayError} `UNAVAILABLE` "channel not configured: <channel|default>" when there is no such adapter
   */
  async send(p: { to: string; text: string; channel?: string; accountId?: string; threadId?: string; replyToMessageId?: string; media?: Array<{ kind: "image" | "file"; url: string; name?: string }> }): Promise<{ channel: string; accountId: string; chatId: string; messageId: string; messageIds: string[] }> {
    const { entry, adapter } = this.require(p.channel, p.accountId);
    const target = { accountId: entry.account.accountId, chatId: p.to, ...(p.threadId && { threadId: p.threadId }), ...(p.replyToMessageId && { replyToMessageId: p.replyToMessageId }) };
    try {
      const ids = await deliverText(adapter, target, p.text, p.media);
      return { channel: entry.account.channel, accountId: entry.account.accountId, chatId: p.to, messageId: ids[0] ?? "", messageIds: ids };
    } catch (e) {
      throw new GatewayError("UNAVAILABLE", `send failed on ${entry.account.channel}: ${(e as Error).message ?? String(e)}`, { retryable: true });
    }
  }

  /**
   * The running account for `channel`/`accountId` (default: the first running channel's default account).
   * @throws {GatewayError} `UNAVAILABLE` "channel not configured: <channel|default>[/<accountId>]" (details `CHANNEL_NOT_CONFIGURED`)
   */
  require(channel?: string, accountId?: string): { entry: { account: ChannelAccount }; adapter: ChannelAdapter } {
    const entry = this.pick(channel, accountId);
    const adapter = entry?.adapter;
    if (!entry || !adapter) {
      const name = channel ?? "default";
      const shown = accountId !== undefined ? `${name}/${accountId}` : name;
      throw new GatewayError("UNAVAILABLE", `channel not configured: ${shown}`, { details: { code: "CHANNEL_NOT_CONFIGURED", channel: name, ...(accountId !== undefined && { accountId }) }, retryable: false });
    }
    return { entry, adapter };
  }

  /** Stops an account and clears its login state. */
  async logout(channel: string, accountId = DEFAULT_CHANNEL_ACCOUNT): Promise<{ channel: string; accountId: string; loggedOut: boolean }> {
    const entry = this.entries.get(keyOf(channel, accountId));
    if (!entry) throw new GatewayError("INVALID_REQUEST", `unknown channel account: ${channel}/${accountId}`);
    const adapter = entry.adapter;
    // Unlink while still connected (WhatsApp tells the phone), then stop.
    const loggedOut = Boolean(adapter?.logout);
    await adapter?.logout?.();
    await this.stopEntry(entry);
    return { channel, accountId, loggedOut };
  }

  /** Starts a QR login on a channel that has one (WhatsApp); a stopped account (after a logout) is started again. */
  async loginStart(channel: string, accountId: string, options: { force?: boolean; timeoutMs?: number }): Promise<LoginStep> {
    const adapter = await this.loginAdapter(channel, accountId);
    return this.unavailableOnError(channel, () => adapter.loginStart!(options));
  }

  /** Waits for a QR login to finish, a new QR, or the timeout. */
  async loginWait(channel: string, accountId: string, options: { timeoutMs?: number; currentQr?: string }): Promise<LoginStep & { connected: boolean }> {
    const adapter = await this.loginAdapter(channel, accountId);
    return this.unavailableOnError(channel, () => adapter.loginWait!(options));
  }

  private async loginAdapter(channel: string, accountId: string): Promise<ChannelAdapter> {
    const key = keyOf(channel, accountId);
    const entry = this.entries.get(key);
    if (!entry?.account.enabled) {
      throw new GatewayError("INVALID_REQUEST", `channel not configured: ${channel}/${accountId}`, { details: { code: "CHANNEL_NOT_CONFIGURED", channel, accountId } });
    }
    if (!entry.adapter) await this.startAccount(entry.account);
    const adapter = this.entries.get(key)?.adapter;
    if (!adapter?.loginStart || !adapter.loginWait) throw new GatewayError("INVALID_REQUEST", `web login is not supported by channel ${channel}`);
    return adapter;
  }

  private async unavailableOnError<T>(channel: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      throw new GatewayError("UNAVAILABLE", `${channel} login failed: ${(e as Error).message ?? String(e)}`, { retryable: true });
    }
  }

  /** Unexpired pairing requests. */
  listPairing(channel?: string): PairingRequest[] {
    return this.deps.pairing.list(channel);
  }

  /** Approves a pairing code and tells the sender (best effort); null when no request has that code. */
  async approvePairing(channel: string, code: string): Promise<PairingRequest | null> {
    const request = this.deps.pairing.approve(channel, code);
    const adapter = request && this.entries.get(keyOf(request.channel, request.accountId))?.adapter;
    if (request?.chatId && adapter) {
      await deliverText(adapter, { accountId: request.accountId, chatId: request.chatId }, "Mayros: access approved. Send a message to start.")
        .catch((e) => this.deps.log.warn("pairing approval notice failed", { channel, error: String(e) }));
    }
    return request;
  }

  /** Stops every account (idempotent). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.entries.values()].map((e) => this.stopEntry(e)));
  }

  private newEntry(account: ChannelAccount): Entry {
    const state: ChannelStatus["state"] = account.enabled ? "connecting" : "stopped";
    return {
      account, abort: new AbortController(),
      status: { channel: account.channel, accountId: account.accountId, state, since: Date.now(), ...(!account.configured && { lastError: "not configured" }) },
    };
  }

  private currentStatus(e: Entry): ChannelStatus {
    return { ...e.status, channel: e.account.channel, accountId: e.account.accountId };
  }

  private pick(channel: string | undefined, accountId: string | undefined): Entry | undefined {
    const all = [...this.entries.values()].filter((e) => e.adapter && (channel === undefined || e.account.channel === channel));
    if (accountId !== undefined) return all.find((e) => e.account.accountId === accountId);
    const order = (e: Entry) => { const i = (BUILTIN_CHANNELS as readonly string[]).indexOf(e.account.channel); return i < 0 ? 99 : i; };
    return all.find((e) => e.account.accountId === DEFAULT_CHANNEL_ACCOUNT && (channel !== undefined || order(e) >= 0)) ??
      all.sort((a, b) => order(a) - order(b))[0];
  }

  private startEntry(entry: Entry): Promise<void> {
    entry.started ??= (async () => {
      const { channel, accountId } = entry.account;
      const log = this.deps.log;
      let adapter: HttpChannelAdapter;
      try {
        const factory = await this.loader.load(channel);
        adapter = await factory(entry.account.options);
      } catch (e) {
        entry.status = { channel, accountId, state: "error", lastError: (e as Error).message ?? String(e), since: Date.now() };
        log.warn("channel failed to load", { channel, accountId, error: entry.status.lastError });
        return;
      }
      if (this.stopped || entry.abort.signal.aborted) return;
      entry.adapter = adapter;
      try {
        await adapter.start({
          signal: entry.abort.signal,
          onStatus: (s) => { entry.status = s; },
          onMessage: (m: InboundMessage) => {
            // The account it came in on: its policy, its session key and its adapter for the reply.
            this.router.handle(adapter, m.accountId === accountId ? m : { ...m, accountId }).catch((e) => log.warn("inbound message failed", { channel, accountId, error: String(e) }));
          },
          log: { debug: (m, f) => log.debug(m, { channel, accountId, ...f }), info: (m, f) => log.info(m, { channel, accountId, ...f }), warn: (m, f) => log.warn(m, { channel, accountId, ...f }) },
          ...(this.deps.authStore && { auth: this.deps.authStore(channel, accountId) }),
          ...(this.deps.mediaDir && { mediaDir: join(this.deps.mediaDir, channel) }),
        });
        entry.status = safeStatus(adapter) ?? entry.status;
        log.info("channel started", { channel, accountId, state: entry.status.state });
      } catch (e) {
        entry.status = { channel, accountId, state: "disconnected", lastError: (e as Error).message ?? String(e), since: Date.now() };
        log.warn("channel failed to start", { channel, accountId, error: entry.status.lastError });
      }
    })();
    return entry.started;
  }

  private async stopEntry(entry: Entry): Promise<void> {
    entry.abort.abort();
    const adapter = entry.adapter;
    entry.adapter = undefined;
    if (adapter) {
      const timeout = this.deps.stopTimeoutMs ?? 5000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        adapter.stop().catch((e) => this.deps.log.warn("channel stop failed", { channel: entry.account.channel, error: String(e) })),
        new Promise<void>((r) => { timer = setTimeout(r, timeout); }),
      ]);
      clearTimeout(timer);
    }
    // A stopped account is still linked or not (a logout just unlinked it): keep what the adapter last said.
    const { linked } = entry.status;
    entry.status = { channel: entry.account.channel, accountId: entry.account.accountId, state: "stopped", ...(linked !== undefined && { linked }), since: Date.now() };
  }
}

function safeStatus(adapter: ChannelAdapter): ChannelStatus | undefined {
  try {
    return adapter.status();
  } catch {
    return undefined;
  }
}
