/**
 * @module Resolving `channels.*` config into channel accounts: credentials with their env fallbacks
 * (TELEGRAM_BOT_TOKEN, DISCORD_BOT_TOKEN, SLACK_BOT_TOKEN / SLACK_APP_TOKEN / SLACK_SIGNING_SECRET;
 * config wins), `enabled` (default: credentials set), the access policy and the adapter factory options.
 */
import type { MayrosConfig } from "../config/index.ts";

/** The built-in channel ids, in display order. */
export const BUILTIN_CHANNELS = ["telegram", "discord", "slack"] as const;

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

/** Every channel with a config section or env credentials, as accounts (only `default` for now). */
export function resolveChannelAccounts(config: MayrosConfig, env: NodeJS.ProcessEnv = {}): ChannelAccount[] {
  const channels = (config.channels ?? {}) as NonNullable<MayrosConfig["channels"]>;
  const e = (name: string) => (env[name]?.trim() ? env[name] : undefined);
  const accounts: ChannelAccount[] = [];
  const accountId = DEFAULT_CHANNEL_ACCOUNT;

  const tg = channels.telegram;
  const tgToken = tg?.botToken ?? e("TELEGRAM_BOT_TOKEN");
  if (tg || tgToken) {
    const mode = tg?.mode ?? "polling";
    const configured = Boolean(tgToken) && (mode !== "webhook" || Boolean(tg?.webhookSecret));
    accounts.push({
      channel: "telegram", accountId, configured, enabled: (tg?.enabled ?? true) && configured, mode, policy: policyOf(tg),
      options: { accountId, botToken: tgToken, mode, ...(tg?.apiRoot && { apiRoot: tg.apiRoot }), ...(tg?.webhookSecret && { webhookSecret: tg.webhookSecret }) },
    });
  }

  const dc = channels.discord;
  const dcToken = dc?.token ?? e("DISCORD_BOT_TOKEN");
  if (dc || dcToken) {
    const configured = Boolean(dcToken);
    accounts.push({
      channel: "discord", accountId, configured, enabled: (dc?.enabled ?? true) && configured, policy: policyOf(dc),
      options: { accountId, token: dcToken, ...(dc?.restApi && { restApi: dc.restApi }) },
    });
  }

  const sl = channels.slack;
  const slBot = sl?.botToken ?? e("SLACK_BOT_TOKEN");
  const slApp = sl?.appToken ?? e("SLACK_APP_TOKEN");
  const slSecret = sl?.signingSecret ?? e("SLACK_SIGNING_SECRET");
  if (sl || slBot) {
    const mode = sl?.mode ?? "socket";
    const configured = Boolean(slBot) && (mode === "socket" ? Boolean(slApp) : Boolean(slSecret));
    accounts.push({
      channel: "slack", accountId, configured, enabled: (sl?.enabled ?? true) && configured, mode, policy: policyOf(sl),
      options: {
        accountId, botToken: slBot, mode, ...(slApp && { appToken: slApp }), ...(slSecret && { signingSecret: slSecret }),
        ...(sl?.apiUrl && { apiUrl: sl.apiUrl }),
      },
    });
  }
  return accounts;
}

function policyOf(c: Partial<ChannelAccessPolicy> | undefined): ChannelAccessPolicy {
  return defaultAccessPolicy({
    ...(c?.dmPolicy && { dmPolicy: c.dmPolicy }), ...(c?.allowFrom && { allowFrom: c.allowFrom }),
    ...(c?.groupPolicy && { groupPolicy: c.groupPolicy }), ...(c?.groups && { groups: c.groups }),
    ...(c?.requireMention !== undefined && { requireMention: c.requireMention }),
  });
}
