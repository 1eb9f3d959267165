/** @module The TypeBox schema of `mayros.json` with its defaults, and UI hints for the config editor. */
import { Type, type Static } from "@sinclair/typebox";

const Closed = { additionalProperties: false } as const;
/** Options for a nested section: closed, and filled with its own defaults when absent. */
const Section = { additionalProperties: false, default: {} } as const;

const MiB = 1024 * 1024;

/** Failed-auth rate limiting (`gateway.auth.rateLimit`), protocol.md §5.2. */
export const RateLimitConfig = Type.Object(
  {
    maxAttempts: Type.Integer({ minimum: 1, default: 10, description: "Failed attempts allowed per window." }),
    windowMs: Type.Integer({ minimum: 1000, default: 60_000, description: "Sliding window length in ms." }),
    lockoutMs: Type.Integer({ minimum: 0, default: 300_000, description: "Lockout after too many failures, in ms." }),
    exemptLoopback: Type.Boolean({ default: true, description: "Never rate-limit loopback clients." }),
  },
  Section,
);

/** Gateway auth (`gateway.auth`). `mode` has no default: `loadConfig` resolves it. */
export const AuthConfig = Type.Object(
  {
    mode: Type.Optional(
      Type.Union([Type.Literal("token"), Type.Literal("password"), Type.Literal("none")], {
        description: "token | password | none. Default: password when a password is set, else token.",
      }),
    ),
    token: Type.Optional(Type.String({ minLength: 1, description: "Shared bearer token (generated when absent)." })),
    password: Type.Optional(Type.String({ minLength: 1, description: "Shared password for password mode." })),
    rateLimit: RateLimitConfig,
  },
  Section,
);

/** TLS for remote use (`gateway.tls`). */
export const TlsConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: "Serve wss:// and https:// instead of ws:// and http://." }),
    certPath: Type.Optional(Type.String({ minLength: 1, description: "PEM certificate (chain) file." })),
    keyPath: Type.Optional(Type.String({ minLength: 1, description: "PEM private key file." })),
    autoGenerate: Type.Boolean({ default: true, description: "Without certPath/keyPath, create a self-signed certificate once in the state dir." }),
  },
  Section,
);

/** The gateway server (`gateway`). */
export const GatewayConfig = Type.Object(
  {
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 18789, description: "TCP port (HTTP and WebSocket)." }),
    bind: Type.String({
      minLength: 1,
      default: "loopback",
      description: "loopback | lan | tailnet | auto | a host name or IP address.",
    }),
    auth: AuthConfig,
    tickIntervalMs: Type.Integer({ minimum: 10, default: 30_000, description: "Interval of `tick` events in ms." }),
    handshakeTimeoutMs: Type.Integer({ minimum: 100, default: 10_000, description: "Time allowed to complete `connect`." }),
    pingIntervalMs: Type.Integer({ minimum: 100, default: 25_000, description: "WebSocket ping interval in ms." }),
    healthRefreshMs: Type.Integer({ minimum: 1000, default: 60_000, description: "Health snapshot refresh in ms." }),
    maxPayload: Type.Integer({ minimum: 1024, default: 25 * MiB, description: "Largest accepted frame in bytes." }),
    maxBufferedBytes: Type.Integer({
      minimum: 1024,
      default: 50 * MiB,
      description: "Send-queue bytes after which a slow consumer is dropped.",
    }),
    trustedProxies: Type.Array(Type.String(), {
      default: [],
      description: "Proxy IPs whose X-Forwarded-For is trusted.",
    }),
    pairing: Type.Object(
      {
        autoApproveLocal: Type.Boolean({ default: true, description: "Approve device pairing from loopback automatically." }),
      },
      Section,
    ),
    controlUi: Type.Object(
      {
        allowedOrigins: Type.Array(Type.String(), { default: [], description: "Extra browser origins allowed to connect." }),
      },
      Section,
    ),
    nodes: Type.Object(
      {
        allowCommands: Type.Array(Type.String(), { default: [], description: "Node commands allowed beyond the platform defaults (dangerous ones only here)." }),
        denyCommands: Type.Array(Type.String(), { default: [], description: "Node commands never allowed." }),
      },
      Section,
    ),
    tls: TlsConfig,
  },
  Section,
);

/** The canvas host (`canvasHost`): agent-editable pages served on the gateway port. */
export const CanvasHostConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: "Serve /__mayros__/canvas/ and /__mayros__/a2ui/." }),
    liveReload: Type.Boolean({ default: true, description: "Reload open canvas pages when their files change." }),
  },
  Section,
);

/** File logging (`logging`). */
export const LoggingConfig = Type.Object(
  {
    level: Type.Union([Type.Literal("debug"), Type.Literal("info"), Type.Literal("warn"), Type.Literal("error")], {
      default: "info",
    }),
    maxFileBytes: Type.Integer({ minimum: 1024, default: 10 * MiB, description: "Rotate a log file at this size." }),
    maxFiles: Type.Integer({ minimum: 1, default: 3, description: "Rotated log files kept." }),
  },
  Section,
);

/** One model endpoint (`models.providers.<id>`). */
export const ModelProviderConfig = Type.Object(
  {
    baseUrl: Type.Optional(Type.String({ minLength: 1, description: "API base URL (for OpenAI-compatible endpoints it ends in /v1)." })),
    apiKey: Type.Optional(Type.String({ minLength: 1, description: "API key; `${ENV_NAME}` reads an environment variable." })),
    api: Type.Optional(Type.Union([Type.Literal("anthropic-messages"), Type.Literal("openai-completions")], {
      description: "Wire format; default anthropic-messages for id anthropic, else openai-completions.",
    })),
    // Optional, not defaulted: TypeBox fills no defaults inside Record values.
    models: Type.Optional(Type.Array(
      Type.Object(
        {
          id: Type.String({ minLength: 1 }),
          name: Type.Optional(Type.String()),
          contextWindow: Type.Optional(Type.Integer({ minimum: 1 })),
          maxTokens: Type.Optional(Type.Integer({ minimum: 1 })),
          reasoning: Type.Optional(Type.Boolean()),
        },
        Closed,
      ),
    )),
  },
  Closed,
);

/** Model providers (`models`). */
export const ModelsConfig = Type.Object(
  { providers: Type.Record(Type.String({ minLength: 1 }), ModelProviderConfig, { default: {} }) },
  Section,
);

/** The periodic main-session heartbeat (`agents.defaults.heartbeat`), agent.md §6.2. */
export const HeartbeatConfig = Type.Object(
  {
    every: Type.String({
      default: "30m", pattern: "^\\s*(?:(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d)\\s*)+|\\d+(?:\\.\\d+)?)\\s*$",
      description: "Interval, e.g. 30m or 1h; 0m turns heartbeats off.",
    }),
    activeHours: Type.Optional(Type.Object(
      {
        start: Type.String({ pattern: "^([01]\\d|2[0-3]):[0-5]\\d$", description: "HH:MM" }),
        end: Type.String({ pattern: "^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$", description: "HH:MM (24:00 allowed)" }),
        timezone: Type.Optional(Type.String({ minLength: 1, description: "user (agents.defaults.userTimezone), local or an IANA zone." })),
      },
      Closed,
    )),
    prompt: Type.Optional(Type.String({ minLength: 1, description: "The heartbeat user message (default: read HEARTBEAT.md, reply HEARTBEAT_OK)." })),
    ackMaxChars: Type.Integer({ minimum: 0, default: 300, description: "A reply with HEARTBEAT_OK and at most this much else is not delivered." }),
  },
  Section,
);

/** Agent defaults (`agents.defaults`). */
export const AgentDefaultsConfig = Type.Object(
  {
    model: Type.Object(
      {
        primary: Type.String({ minLength: 3, default: "anthropic/claude-sonnet-4-5", description: "provider/model" }),
        fallbacks: Type.Array(Type.String({ minLength: 3 }), { default: [] }),
      },
      Section,
    ),
    workspace: Type.Optional(Type.String({ minLength: 1, description: "Agent workspace (default <stateDir>/workspace)." })),
    timeoutSeconds: Type.Integer({ minimum: 1, default: 600 }),
    maxToolRounds: Type.Integer({ minimum: 1, default: 50, description: "Model calls per run at most." }),
    maxTokens: Type.Integer({ minimum: 1, default: 8192 }),
    userTimezone: Type.String({ minLength: 1, default: "UTC" }),
    contextTokens: Type.Integer({
      minimum: 1, default: 200_000,
      description: "Context window in tokens (a smaller contextWindow of the model's models entry wins); history is compacted to stay below it.",
    }),
    compaction: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: "Summarise older history into a compaction entry when the context window fills up." }),
        reserveTokens: Type.Integer({
          minimum: 0, default: 16_000,
          description: "Tokens kept free for the reply: compaction starts above contextTokens − reserveTokens (at most half the window is reserved).",
        }),
      },
      Section,
    ),
    heartbeat: HeartbeatConfig,
    tools: Type.Object(
      {
        allow: Type.Array(Type.String(), { default: [] }),
        deny: Type.Array(Type.String(), { default: [] }),
        exec: Type.Object({
          enabled: Type.Boolean({ default: false }),
          timeoutSec: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400, description: "Default and largest run time of one command (default 1800 s)." })),
          approvalTimeoutMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 600_000, description: "How long a command waits for an approver (default 120000 ms)." })),
          maxOutputBytes: Type.Optional(Type.Integer({ minimum: 1024, maximum: 10_485_760, description: "Bytes of stdout and of stderr kept for the model (default 65536)." })),
        }, Section),
      },
      Section,
    ),
  },
  Section,
);

/** Agents (`agents`). */
export const AgentsConfig = Type.Object({ defaults: AgentDefaultsConfig }, Section);

/** Sessions (`session`). */
export const SessionConfig = Type.Object(
  {
    dmScope: Type.Union(
      [Type.Literal("main"), Type.Literal("per-peer"), Type.Literal("per-channel-peer"), Type.Literal("per-account-channel-peer")],
      { default: "main" },
    ),
    mainKey: Type.String({ minLength: 1, default: "main" }),
    reset: Type.Object(
      {
        atHour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23, description: "Daily reset hour (gateway local time); unset = never." })),
        idleMinutes: Type.Optional(Type.Integer({ minimum: 1 })),
      },
      Section,
    ),
  },
  Section,
);

/** Message handling (`messages`). */
export const MessagesConfig = Type.Object(
  {
    queue: Type.Object(
      {
        mode: Type.Union([Type.Literal("collect"), Type.Literal("followup"), Type.Literal("steer"), Type.Literal("interrupt")], { default: "collect" }),
        debounceMs: Type.Integer({ minimum: 0, default: 1000 }),
        cap: Type.Integer({ minimum: 1, default: 20 }),
      },
      Section,
    ),
  },
  Section,
);

/** Cron (`cron`). */
export const CronConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: "Run scheduled jobs (MAYROS_SKIP_CRON=1 also turns it off)." }),
    webhookToken: Type.Optional(Type.String({ minLength: 1, description: "Bearer token sent with delivery.mode webhook POSTs." })),
  },
  Section,
);

/** Inbound webhooks (`hooks`), agent.md §7: off unless enabled with a token of their own. */
export const HooksConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: "Serve POST <path>/wake and <path>/agent (needs hooks.token)." }),
    token: Type.Optional(Type.String({ minLength: 1, description: "Bearer token of hook callers; use one distinct from the gateway token." })),
    path: Type.String({ minLength: 2, pattern: "^/[^?#]*[^/?#]$", default: "/hooks", description: "Base path of the hook endpoints." }),
    allowRequestSessionKey: Type.Boolean({ default: false, description: "Let /agent callers pick the sessionKey." }),
    allowedSessionKeyPrefixes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: "Prefixes a caller-chosen sessionKey must start with." })),
  },
  Section,
);

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

/**
 * The whole config file (`$MAYROS_STATE_DIR/mayros.json`). Closed at every level, so a typo is
 * reported by name; every section defaults to `{}` so `Value.Default` fills a missing section.
 */
export const MayrosConfig = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    gateway: GatewayConfig,
    logging: LoggingConfig,
    canvasHost: CanvasHostConfig,
    models: ModelsConfig,
    agents: AgentsConfig,
    session: SessionConfig,
    messages: MessagesConfig,
    cron: CronConfig,
    hooks: HooksConfig,
    channels: ChannelsConfig,
  },
  { ...Closed, default: {}, $id: "MayrosConfig", title: "Mayros config" },
);
/** A validated config with every default filled in. */
export type MayrosConfig = Static<typeof MayrosConfig>;
/** `gateway.auth.mode` after resolution. */
export type AuthMode = "token" | "password" | "none";

/** How the config editor shows one key. */
export interface ConfigUiHint {
  /** Short label. */
  label?: string;
  /** One-line help text. */
  help?: string;
  /** The value is a secret: show it masked, never log it. */
  sensitive?: boolean;
}

/** UI hints keyed by dotted config path (e.g. `"gateway.auth.token"`), served by `config.schema`. */
export const CONFIG_UI_HINTS: Record<string, ConfigUiHint> = {
  "gateway.port": { label: "Port", help: "TCP port for HTTP and WebSocket (also --port, MAYROS_GATEWAY_PORT)." },
  "gateway.bind": { label: "Bind", help: "loopback, lan, tailnet, auto, or a host/IP. Non-loopback binds need auth." },
  "gateway.auth.mode": { label: "Auth mode", help: "token, password or none (none only on loopback)." },
  "gateway.auth.token": { label: "Gateway token", help: "Shared token; generated when absent.", sensitive: true },
  "gateway.auth.password": { label: "Gateway password", help: "Used in password mode.", sensitive: true },
  "gateway.trustedProxies": { label: "Trusted proxies", help: "Proxy IPs whose X-Forwarded-For is trusted." },
  "gateway.pairing.autoApproveLocal": { label: "Auto-approve local pairing" },
  "gateway.controlUi.allowedOrigins": { label: "Control UI origins", help: "Extra browser origins allowed to connect." },
  "gateway.nodes.allowCommands": { label: "Allowed node commands", help: "Extra commands nodes may run, e.g. camera.snap." },
  "gateway.tls.enabled": { label: "TLS", help: "wss:// with a self-signed certificate unless certPath/keyPath are set." },
  "logging.level": { label: "Log level", help: "debug, info, warn or error." },
  "channels.telegram.botToken": { label: "Telegram bot token", sensitive: true },
  "channels.telegram.webhookSecret": { label: "Telegram webhook secret", sensitive: true },
  "channels.discord.token": { label: "Discord bot token", sensitive: true },
  "channels.slack.botToken": { label: "Slack bot token", sensitive: true },
  "channels.slack.appToken": { label: "Slack app token", sensitive: true },
  "channels.slack.signingSecret": { label: "Slack signing secret", sensitive: true },
  "hooks.token": { label: "Hooks token", help: "Bearer token of webhook callers (Authorization or x-mayros-token).", sensitive: true },
};
