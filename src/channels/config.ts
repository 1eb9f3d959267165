/**
 * @module Resolving `channels.*` config into channel accounts — the top-level `default` account plus every
 * `channels.<ch>.accounts.<id>`: credentials with their env fallbacks for `default` (TELEGRAM_BOT_TOKEN,
 * DISCORD_BOT_TOKEN, SLACK_BOT_TOKEN / SLACK_APP_TOKEN / SLACK_SIGNING_SECRET; config wins; Signal has no env
 * fallback: `url` (alias `httpUrl`) + `account`; iMessage neither: `serverUrl` + `password`, or in `imsg` mode a
 * `cliPath` that is a path or found on PATH), `enabled`
 * (default: credentials set), the access policy and the adapter factory options.
 */
import type { MayrosConfig } from "../config/index.ts";

/** The built-in channel ids, in display order. */
export const BUILTIN_CHANNELS = ["telegram", "discord", "slack", "signal", "imessage", "whatsapp"] as const;

/** The id of the implicit account of a channel's top-level keys. */
export const DEFAULT_CHANNEL_ACCOUNT = "default";

/** Who may talk to the bot on one channel account (channels.md §2). */
export interface ChannelAccessPolicy {
  dmPolicy: "pairing" | "allowlist" | "open" | "disabled";
  allowFrom: string[];
  groupPolicy: "open" | "allowlist" | "disabled";
  groups: Record<string, { allow?: boolean; requireMention?: boolean }>;
  requireMention: boolean;
}

/** One channel account to run. */
export interface ChannelAccount {
  channel: string;
  accountId: string;
  /** Start it (default: true when configured). */
  enabled: boolean;
  /** Its credentials are set. */
  configured: boolean;
  /** Connection mode (`polling|webhook`, `socket|http`), when the channel has modes. */
  mode?: string;
  policy: ChannelAccessPolicy;
  /** Passed to the adapter factory (`createTelegramAdapter(options)` …). */
  options: Record<string, unknown>;
}

/** The default access policy (DM pairing, open groups, mention required). */
export function defaultAccessPolicy(overrides: Partial<ChannelAccessPolicy> = {}): ChannelAccessPolicy {
  return { dmPolicy: "pairing", allowFrom: [], groupPolicy: "open", groups: {}, requireMention: true, ...overrides };
}

/** One account's merged keys (credentials, mode, API roots, access keys, `enabled`). */
type AccountKeys = Record<string, unknown> & Partial<ChannelAccessPolicy> & { enabled?: boolean; mode?: string };
/** A channel section: the `default` account's keys plus the extra `accounts`. */
type ChannelSection = AccountKeys & { accounts?: Record<string, AccountKeys> };

const ACCESS_KEYS = ["dmPolicy", "allowFrom", "groupPolicy", "groups", "requireMention"] as const;

/** How one built-in channel turns merged account keys into a {@link ChannelAccount}. */
interface ChannelSpec {
  /** Keys an extra account inherits from the top level when it does not set them (never credentials). */
  inherited: string[];
  /** Env fallbacks of the `default` account, key → variable. */
  env: Record<string, string>;
  /** Keys that make the `default` account exist even without a config section. */
  present: string[];
  build(keys: AccountKeys): { configured: boolean; mode?: string; options: Record<string, unknown> };
}

const SPECS: Record<(typeof BUILTIN_CHANNELS)[number], ChannelSpec> = {
  telegram: {
    inherited: ["apiRoot", "mode"], env: { botToken: "TELEGRAM_BOT_TOKEN" }, present: ["botToken"],
    build: (k) => {
      const mode = k.mode ?? "polling";
      return {
        configured: Boolean(k.botToken) && (mode !== "webhook" || Boolean(k.webhookSecret)), mode,
        options: { botToken: k.botToken, mode, ...(k.apiRoot !== undefined && { apiRoot: k.apiRoot }), ...(k.webhookSecret !== undefined && { webhookSecret: k.webhookSecret }) },
      };
    },
  },
  discord: {
    inherited: ["restApi"], env: { token: "DISCORD_BOT_TOKEN" }, present: ["token"],
    build: (k) => ({ configured: Boolean(k.token), options: { token: k.token, ...(k.restApi !== undefined && { restApi: k.restApi }) } }),
  },
  slack: {
    inherited: ["apiUrl", "mode"], env: { botToken: "SLACK_BOT_TOKEN", appToken: "SLACK_APP_TOKEN", signingSecret: "SLACK_SIGNING_SECRET" }, present: ["botToken"],
    build: (k) => {
      const mode = k.mode ?? "socket";
      return {
        configured: Boolean(k.botToken) && (mode === "socket" ? Boolean(k.appToken) : Boolean(k.signingSecret)), mode,
        options: {
          botToken: k.botToken, mode, ...(k.appToken !== undefined && { appToken: k.appToken }),
          ...(k.signingSecret !== undefined && { signingSecret: k.signingSecret }), ...(k.apiUrl !== undefined && { apiUrl: k.apiUrl }),
        },
      };
    },
  },
  signal: {
    inherited: ["url", "httpUrl", "autoStart"], env: {}, present: ["account"],
    build: (k) => {
      const url = k.url ?? k.httpUrl ?? (k.autoStart ? "http://127.0.0.1:8080" : undefined);
      return {
        configured: Boolean(k.account) && Boolean(url),
        options: { url, account: k.account, ...(k.autoStart !== undefined && { autoStart: k.autoStart }) },
      };
    },
  },
  imessage: {
    // serverUrl and dbPath are not inherited: another account is another BlueBubbles server or Messages database (another Apple ID).
    inherited: ["mode", "method", "botName", "cliPath"], env: {}, present: ["serverUrl", "dbPath"],
    build: (k) => {
      const mode = k.mode ?? (k.serverUrl === undefined && (k.cliPath !== undefined || k.dbPath !== undefined) ? "imsg" : "bluebubbles");
      const botName = k.botName !== undefined && { botName: k.botName };
      if (mode === "imsg") {
        // A path is taken as given (a spawn failure shows in the status); a bare name must be on PATH.
        const cliPath = String(k.cliPath ?? "imsg");
        return {
          configured: cliPath.includes("/") || Bun.which(cliPath) !== null, mode,
          options: { mode, cliPath, ...(k.dbPath !== undefined && { dbPath: k.dbPath }), ...botName },
        };
      }
      return {
        configured: Boolean(k.serverUrl) && Boolean(k.password), mode,
        options: {
          mode, serverUrl: k.serverUrl, password: k.password, ...(k.webhookSecret !== undefined && { webhookSecret: k.webhookSecret }),
          ...botName, ...(k.method !== undefined && { method: k.method }),
        },
      };
    },
  },
  whatsapp: {
    // No credentials: a section is an account; its linked device lives in the database (`mayros channels login whatsapp`).
    inherited: ["sendReadReceipts", "mediaMaxMb", "version", "webSocketUrl", "botName"], env: {}, present: [],
    build: (k) => ({
      configured: true,
      options: Object.fromEntries(["sendReadReceipts", "mediaMaxMb", "version", "webSocketUrl", "botName"].filter((key) => k[key] !== undefined).map((key) => [key, k[key]])),
    }),
  },
};

/**
 * Every account of every channel with a config section or env credentials: the top-level keys are the
 * `default` account (with env fallbacks; left out when the section only lists `accounts` and no credentials
 * are set), then one account per `accounts.<id>` — its own credentials, mode / API root / access keys falling
 * back to the top level. A channel's `enabled: false` disables all of its accounts.
 */
export function resolveChannelAccounts(config: MayrosConfig, env: NodeJS.ProcessEnv = {}): ChannelAccount[] {
  const channels = (config.channels ?? {}) as Record<string, ChannelSection | undefined>;
  const accounts: ChannelAccount[] = [];
  for (const channel of BUILTIN_CHANNELS) {
    const spec = SPECS[channel];
    const section = channels[channel];
    const { accounts: extra, ...top } = section ?? {};
    const fromEnv: AccountKeys = {};
    for (const [key, name] of Object.entries(spec.env)) if (env[name]?.trim()) fromEnv[key] = env[name];
    const base: AccountKeys = { ...fromEnv, ...defined(top) };
    const hasExtra = Object.keys(extra ?? {}).length > 0;
    if ((section && !hasExtra) || spec.present.some((k) => base[k] !== undefined)) {
      accounts.push(accountOf(channel, DEFAULT_CHANNEL_ACCOUNT, base, spec, true));
    }
    for (const [accountId, own] of Object.entries(extra ?? {})) {
      const inherited: AccountKeys = {};
      for (const k of [...spec.inherited, ...ACCESS_KEYS]) if (top[k] !== undefined) inherited[k] = top[k];
      accounts.push(accountOf(channel, accountId, { ...inherited, ...defined(own) }, spec, top.enabled ?? true));
    }
  }
  return accounts;
}

function accountOf(channel: string, accountId: string, keys: AccountKeys, spec: ChannelSpec, channelEnabled: boolean): ChannelAccount {
  const { configured, mode, options } = spec.build(keys);
  return {
    channel, accountId, configured, enabled: channelEnabled && (keys.enabled ?? true) && configured,
    ...(mode !== undefined && { mode }), policy: policyOf(keys), options: { accountId, ...options },
  };
}

function defined(keys: AccountKeys): AccountKeys {
  return Object.fromEntries(Object.entries(keys).filter(([, v]) => v !== undefined)) as AccountKeys;
}

function policyOf(c: Partial<ChannelAccessPolicy> | undefined): ChannelAccessPolicy {
  return defaultAccessPolicy({
    ...(c?.dmPolicy && { dmPolicy: c.dmPolicy }), ...(c?.allowFrom && { allowFrom: c.allowFrom }),
    ...(c?.groupPolicy && { groupPolicy: c.groupPolicy }), ...(c?.groups && { groups: c.groups }),
    ...(c?.requireMention !== undefined && { requireMention: c.requireMention }),
  });
}
