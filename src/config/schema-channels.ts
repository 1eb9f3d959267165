/** @module Config sections of the messaging channels (`channels.*`): credentials, DM and group access. */
import { Type } from "@sinclair/typebox";

const Closed = { additionalProperties: false } as const;
/** Options for a nested section: closed, and filled with its own defaults when absent. */
const Section = { additionalProperties: false, default: {} } as const;

/** DM access policy of a channel (channels.md §2). */
const DmPolicy = Type.Union([Type.Literal("pairing"), Type.Literal("allowlist"), Type.Literal("open"), Type.Literal("disabled")], {
  default: "pairing", description: "pairing (unknown senders get a code) | allowlist | open | disabled.",
});
/** Group access policy of a channel. */
const GroupPolicy = Type.Union([Type.Literal("open"), Type.Literal("allowlist"), Type.Literal("disabled")], {
  default: "open", description: "open | allowlist (only groups with allow: true) | disabled.",
});

/** Access keys every channel shares. */
const channelAccessKeys = {
  enabled: Type.Optional(Type.Boolean({ description: "Start this channel (default: true when its credentials are set)." })),
  dmPolicy: DmPolicy,
  allowFrom: Type.Array(Type.String({ minLength: 1 }), { default: [], description: "Sender ids always admitted in DMs (\"*\" = anyone)." }),
  groupPolicy: GroupPolicy,
  groups: Type.Record(
    Type.String({ minLength: 1 }),
    Type.Object({ allow: Type.Optional(Type.Boolean()), requireMention: Type.Optional(Type.Boolean()) }, Closed),
    { default: {}, description: "Per group (chat id, or \"*\" for all): allow and requireMention." },
  ),
  requireMention: Type.Boolean({ default: true, description: "In groups, answer only when the bot is mentioned or replied to." }),
};

/**
 * The same access keys for one extra account: every one optional and without a default, so an absent key
 * falls back to the channel's top-level value.
 */
const accountAccessKeys = {
  enabled: channelAccessKeys.enabled,
  dmPolicy: Type.Optional(Type.Union([Type.Literal("pairing"), Type.Literal("allowlist"), Type.Literal("open"), Type.Literal("disabled")])),
  allowFrom: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  groupPolicy: Type.Optional(Type.Union([Type.Literal("open"), Type.Literal("allowlist"), Type.Literal("disabled")])),
  groups: Type.Optional(Type.Record(
    Type.String({ minLength: 1 }),
    Type.Object({ allow: Type.Optional(Type.Boolean()), requireMention: Type.Optional(Type.Boolean()) }, Closed),
  )),
  requireMention: Type.Optional(Type.Boolean()),
};

/** Extra accounts of one channel, by account id (letters, digits, `_`, `-`; not `default`, which is the top level). */
function accountsOf<T extends ReturnType<typeof Type.Object>>(account: T) {
  return Type.Optional(Type.Record(Type.String({ pattern: "^(?!default$)[A-Za-z0-9_-]{1,64}$" }), account, {
    additionalProperties: false,
    description: "More accounts (bots) on this channel, by account id; the top-level keys are the `default` account. " +
      "Credentials are per account; mode, API roots and access keys fall back to the top level.",
  }));
}

const telegramKeys = {
  botToken: Type.Optional(Type.String({ minLength: 1, description: "Bot API token (or TELEGRAM_BOT_TOKEN for the default account)." })),
  apiRoot: Type.Optional(Type.String({ minLength: 1, description: "Bot API root URL (self-hosted or test servers), no trailing /." })),
  webhookSecret: Type.Optional(Type.String({ minLength: 1, description: "Checked against X-Telegram-Bot-Api-Secret-Token in webhook mode." })),
};
const TelegramMode = (opts: object) => Type.Union([Type.Literal("polling"), Type.Literal("webhook")], {
  description: "polling | webhook (POST /channels/telegram/webhook; /channels/telegram/<accountId>/webhook for other accounts).", ...opts,
});

/** One extra Telegram account (`channels.telegram.accounts.<id>`). */
export const TelegramAccountConfig = Type.Object({ ...telegramKeys, mode: Type.Optional(TelegramMode({})), ...accountAccessKeys }, Closed);

/** Telegram (`channels.telegram`). */
export const TelegramChannelConfig = Type.Object(
  { ...telegramKeys, mode: TelegramMode({ default: "polling" }), ...channelAccessKeys, accounts: accountsOf(TelegramAccountConfig) },
  Closed,
);

const discordKeys = {
  token: Type.Optional(Type.String({ minLength: 1, description: "Bot token (or DISCORD_BOT_TOKEN for the default account)." })),
  restApi: Type.Optional(Type.String({ minLength: 1, description: "REST API root (self-hosted or test servers)." })),
};

/** One extra Discord account (`channels.discord.accounts.<id>`). */
export const DiscordAccountConfig = Type.Object({ ...discordKeys, ...accountAccessKeys }, Closed);

/** Discord (`channels.discord`). */
export const DiscordChannelConfig = Type.Object({ ...discordKeys, ...channelAccessKeys, accounts: accountsOf(DiscordAccountConfig) }, Closed);

const slackKeys = {
  botToken: Type.Optional(Type.String({ minLength: 1, description: "xoxb- bot token (or SLACK_BOT_TOKEN for the default account)." })),
  appToken: Type.Optional(Type.String({ minLength: 1, description: "xapp- app token for socket mode (or SLACK_APP_TOKEN)." })),
  signingSecret: Type.Optional(Type.String({ minLength: 1, description: "Signing secret for http mode (or SLACK_SIGNING_SECRET)." })),
  apiUrl: Type.Optional(Type.String({ minLength: 1, description: "Web API root URL (test servers), ending in /api/." })),
};
const SlackMode = (opts: object) => Type.Union([Type.Literal("socket"), Type.Literal("http")], {
  description: "socket | http (POST /channels/slack/events; /channels/slack/<accountId>/events for other accounts).", ...opts,
});

/** One extra Slack account (`channels.slack.accounts.<id>`). */
export const SlackAccountConfig = Type.Object({ ...slackKeys, mode: Type.Optional(SlackMode({})), ...accountAccessKeys }, Closed);

/** Slack (`channels.slack`). */
export const SlackChannelConfig = Type.Object(
  { ...slackKeys, mode: SlackMode({ default: "socket" }), ...channelAccessKeys, accounts: accountsOf(SlackAccountConfig) },
  Closed,
);

const signalKeys = {
  url: Type.Optional(Type.String({ minLength: 1, description: "Base URL of the signal-cli HTTP daemon, e.g. http://127.0.0.1:8080." })),
  httpUrl: Type.Optional(Type.String({ minLength: 1, description: "Alias of url." })),
  account: Type.Optional(Type.String({ minLength: 1, description: "The bot's Signal number (E.164), linked or registered with signal-cli." })),
  autoStart: Type.Optional(Type.Boolean({ description: "Spawn `signal-cli -a <account> daemon --http <host:port>` when signal-cli is on PATH (url defaults to http://127.0.0.1:8080)." })),
};

/** One extra Signal account (`channels.signal.accounts.<id>`). */
export const SignalAccountConfig = Type.Object({ ...signalKeys, ...accountAccessKeys }, Closed);

/** Signal through a signal-cli daemon in HTTP mode (`channels.signal`). */
export const SignalChannelConfig = Type.Object({ ...signalKeys, ...channelAccessKeys, accounts: accountsOf(SignalAccountConfig) }, Closed);

const imessageKeys = {
  serverUrl: Type.Optional(Type.String({ minLength: 1, description: "Base URL of the BlueBubbles server, e.g. http://127.0.0.1:1234." })),
  password: Type.Optional(Type.String({ minLength: 1, description: "The BlueBubbles server password (REST calls; also accepted as ?password= on the webhook)." })),
  webhookSecret: Type.Optional(Type.String({ minLength: 1, description: "Also accepted on POST /channels/imessage/webhook as the x-mayros-token header." })),
  botName: Type.Optional(Type.String({ minLength: 1, description: "A name that counts as a mention in groups, besides the word \"mayros\"." })),
  method: Type.Optional(Type.Union([Type.Literal("private-api"), Type.Literal("apple-script")], {
    description: "BlueBubbles send method (default private-api; replies are threaded only with private-api).",
  })),
  mode: Type.Optional(Type.Union([Type.Literal("bluebubbles"), Type.Literal("imsg")], {
    description: "bluebubbles (a BlueBubbles server: serverUrl + password) | imsg (the local `imsg rpc` CLI on macOS). " +
      "Default: bluebubbles when serverUrl is set, else imsg when cliPath or dbPath is set.",
  })),
  cliPath: Type.Optional(Type.String({ minLength: 1, description: "imsg mode: the imsg executable, a path or a name looked up on PATH (default \"imsg\")." })),
  dbPath: Type.Optional(Type.String({ minLength: 1, description: "imsg mode: the Messages database, passed as --db (imsg's default: ~/Library/Messages/chat.db)." })),
};

/** One extra iMessage account (`channels.imessage.accounts.<id>`). */
export const IMessageAccountConfig = Type.Object({ ...imessageKeys, ...accountAccessKeys }, Closed);

/**
 * iMessage (`channels.imessage`) through a BlueBubbles server (inbound at POST /channels/imessage[/<accountId>]/webhook)
 * or the local `imsg` CLI (`mode: "imsg"`).
 */
export const IMessageChannelConfig = Type.Object({ ...imessageKeys, ...channelAccessKeys, accounts: accountsOf(IMessageAccountConfig) }, Closed);

const whatsappKeys = {
  sendReadReceipts: Type.Optional(Type.Boolean({ description: "Mark inbound messages read (blue ticks). Default false." })),
  mediaMaxMb: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 2048, description: "Largest inbound media downloaded, in MB (default 50)." })),
  version: Type.Optional(Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })], {
    description: "WhatsApp Web version [major, minor, patch] to announce, when WhatsApp refuses the built-in one (close code 405).",
  })),
  webSocketUrl: Type.Optional(Type.String({ pattern: "^wss?://", description: "WhatsApp Web socket URL override (default wss://web.whatsapp.com/ws/chat)." })),
  botName: Type.Optional(Type.String({ minLength: 1, description: "`@<botName>` in a group counts as a mention (besides a real @mention or a reply)." })),
};

/** The WhatsApp account of a `channels.whatsapp.accounts.<id>` entry (at most one enabled per host). */
export const WhatsAppAccountConfig = Type.Object({ ...whatsappKeys, ...accountAccessKeys }, Closed);

/** WhatsApp through Baileys (`channels.whatsapp`): a linked device, logged in with `mayros channels login whatsapp`. */
export const WhatsAppChannelConfig = Type.Object({ ...whatsappKeys, ...channelAccessKeys, accounts: accountsOf(WhatsAppAccountConfig) }, Closed);

/**
 * The one-WhatsApp-session-per-host rule (channels.md §6 Decision 4) on a validated `channels` section:
 * the dotted path of a second enabled WhatsApp account and the problem, or undefined.
 */
export function whatsappAccountsProblem(channels: { whatsapp?: { enabled?: boolean; accounts?: Record<string, { enabled?: boolean }> } } | undefined): { path: string; problem: string } | undefined {
  const section = channels?.whatsapp;
  if (!section || section.enabled === false) return undefined;
  const enabled = Object.entries(section.accounts ?? {}).filter(([, a]) => a.enabled !== false).map(([id]) => id);
  if (enabled.length < 2) return undefined;
  return {
    path: `channels.whatsapp.accounts.${enabled[1]}`,
    problem: `only one WhatsApp account may be enabled per host (channels.whatsapp.accounts.${enabled[0]} is enabled); set enabled: false on the others`,
  };
}

/** Messaging channels (`channels`); a channel is started only when configured with credentials. */
export const ChannelsConfig = Type.Object(
  {
    telegram: Type.Optional(TelegramChannelConfig),
    discord: Type.Optional(DiscordChannelConfig),
    slack: Type.Optional(SlackChannelConfig),
    signal: Type.Optional(SignalChannelConfig),
    imessage: Type.Optional(IMessageChannelConfig),
    whatsapp: Type.Optional(WhatsAppChannelConfig),
  },
  Section,
);
