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

/** Telegram (`channels.telegram`). */
export const TelegramChannelConfig = Type.Object(
  {
    botToken: Type.Optional(Type.String({ minLength: 1, description: "Bot API token (or TELEGRAM_BOT_TOKEN)." })),
    apiRoot: Type.Optional(Type.String({ minLength: 1, description: "Bot API root URL (self-hosted or test servers), no trailing /." })),
    mode: Type.Union([Type.Literal("polling"), Type.Literal("webhook")], { default: "polling", description: "polling | webhook (POST /channels/telegram/webhook)." }),
    webhookSecret: Type.Optional(Type.String({ minLength: 1, description: "Checked against X-Telegram-Bot-Api-Secret-Token in webhook mode." })),
    ...channelAccessKeys,
  },
  Closed,
);

/** Discord (`channels.discord`). */
export const DiscordChannelConfig = Type.Object(
  {
    token: Type.Optional(Type.String({ minLength: 1, description: "Bot token (or DISCORD_BOT_TOKEN)." })),
    restApi: Type.Optional(Type.String({ minLength: 1, description: "REST API root (self-hosted or test servers)." })),
    ...channelAccessKeys,
  },
  Closed,
);

/** Slack (`channels.slack`). */
export const SlackChannelConfig = Type.Object(
  {
    botToken: Type.Optional(Type.String({ minLength: 1, description: "xoxb- bot token (or SLACK_BOT_TOKEN)." })),
    appToken: Type.Optional(Type.String({ minLength: 1, description: "xapp- app token for socket mode (or SLACK_APP_TOKEN)." })),
    signingSecret: Type.Optional(Type.String({ minLength: 1, description: "Signing secret for http mode (or SLACK_SIGNING_SECRET)." })),
    apiUrl: Type.Optional(Type.String({ minLength: 1, description: "Web API root URL (test servers), ending in /api/." })),
    mode: Type.Union([Type.Literal("socket"), Type.Literal("http")], { default: "socket", description: "socket | http (POST /channels/slack/events)." }),
    ...channelAccessKeys,
  },
  Closed,
);

/** Messaging channels (`channels`); a channel is started only when configured with credentials. */
export const ChannelsConfig = Type.Object(
  {
    telegram: Type.Optional(TelegramChannelConfig),
    discord: Type.Optional(DiscordChannelConfig),
    slack: Type.Optional(SlackChannelConfig),
  },
  Section,
);
