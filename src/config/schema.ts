/** @module The TypeBox schema of `mayros.json` with its defaults, and UI hints for the config editor. */
import { Type, type Static } from "@sinclair/typebox";

import { AgentsConfig, CronConfig, HooksConfig, MessagesConfig, ModelsConfig, SessionConfig } from "./schema-agent.ts";
import { ChannelsConfig } from "./schema-channels.ts";
import { PluginsConfig } from "./schema-plugins.ts";

export { AgentDefaultsConfig, AgentsConfig, CronConfig, HeartbeatConfig, HooksConfig, MessagesConfig, ModelProviderConfig, ModelsConfig, SessionConfig } from "./schema-agent.ts";
export { ChannelsConfig, DiscordChannelConfig, IMessageChannelConfig, SignalChannelConfig, SlackChannelConfig, TelegramChannelConfig } from "./schema-channels.ts";

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
    plugins: PluginsConfig,
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
  "channels.telegram.accounts.*.botToken": { label: "Telegram bot token (account)", sensitive: true },
  "channels.telegram.accounts.*.webhookSecret": { label: "Telegram webhook secret (account)", sensitive: true },
  "channels.discord.accounts.*.token": { label: "Discord bot token (account)", sensitive: true },
  "channels.slack.accounts.*.botToken": { label: "Slack bot token (account)", sensitive: true },
  "channels.slack.accounts.*.appToken": { label: "Slack app token (account)", sensitive: true },
  "channels.slack.accounts.*.signingSecret": { label: "Slack signing secret (account)", sensitive: true },
  "hooks.token": { label: "Hooks token", help: "Bearer token of webhook callers (Authorization or x-mayros-token).", sensitive: true },
};
