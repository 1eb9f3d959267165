/** @module Config sections of the agent runtime: models, agents, sessions, message queue, cron, hooks. */
import { Type } from "@sinclair/typebox";

const Closed = { additionalProperties: false } as const;
/** Options for a nested section: closed, and filled with its own defaults when absent. */
const Section = { additionalProperties: false, default: {} } as const;

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
