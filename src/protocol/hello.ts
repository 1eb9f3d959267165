/** @module `hello-ok`, the snapshot it carries, presence entries and health (protocol.md §2.5, protocol-v4.md §5). */
import { Type, type Static } from "@sinclair/typebox";
import { StateVersion } from "./frames.ts";

const Str = Type.String();
const Opt = Type.Optional;

/** One row of the presence list: the gateway itself or a connected client. */
export const PresenceEntry = Type.Object(
  {
    host: Opt(Str), ip: Opt(Str), version: Opt(Str), platform: Opt(Str), deviceFamily: Opt(Str),
    modelIdentifier: Opt(Str), mode: Opt(Str), lastInputSeconds: Opt(Type.Number()), reason: Opt(Str),
    tags: Opt(Type.Array(Str)), text: Opt(Str), ts: Type.Integer(), deviceId: Opt(Str),
    roles: Opt(Type.Array(Str)), scopes: Opt(Type.Array(Str)), instanceId: Opt(Str),
    clientId: Opt(Str), timeZone: Opt(Str), onlineSince: Opt(Type.Integer()), lastActivityAt: Opt(Type.Integer()),
  },
  { additionalProperties: false, $id: "PresenceEntry" },
);
/** A presence row. */
export type PresenceEntry = Static<typeof PresenceEntry>;

/** The health snapshot: result of `health`, payload of the `health` event, part of the hello snapshot. */
export const HealthSnapshot = Type.Object(
  {
    ok: Opt(Type.Boolean()),
    ts: Opt(Type.Integer()),
    durationMs: Opt(Type.Number()),
    channels: Opt(Type.Record(Str, Type.Unknown())),
    channelOrder: Opt(Type.Array(Str)),
    channelLabels: Opt(Type.Record(Str, Str)),
    heartbeatSeconds: Opt(Type.Number()),
    defaultAgentId: Opt(Str),
    agents: Opt(Type.Array(Type.Unknown())),
    sessions: Opt(Type.Object({ count: Type.Integer(), recent: Type.Array(Type.Unknown()) }, { additionalProperties: false })),
  },
  { additionalProperties: false, $id: "HealthSnapshot" },
);
/** The health snapshot. */
export type HealthSnapshot = Static<typeof HealthSnapshot>;

/** Defaults for the main session, so clients can address it without asking. */
export const SessionDefaults = Type.Object(
  { defaultAgentId: Str, mainKey: Str, mainSessionKey: Str, scope: Opt(Str) },
  { additionalProperties: false, $id: "SessionDefaults" },
);

const SnapshotFields = {
  presence: Type.Array(PresenceEntry),
  health: HealthSnapshot,
  stateVersion: StateVersion,
  uptimeMs: Type.Integer({ minimum: 0 }),
  configPath: Opt(Str),
  stateDir: Opt(Str),
  sessionDefaults: Opt(SessionDefaults),
  authMode: Opt(Type.Union([Type.Literal("none"), Type.Literal("token"), Type.Literal("password"), Type.Literal("trusted-proxy")])),
};

/** v3 hello snapshot. */
export const SnapshotV3 = Type.Object(SnapshotFields, { additionalProperties: false, $id: "SnapshotV3" });
/** v4 hello snapshot (adds suspension, appliedConfigHash; admin-only fields stay optional). */
export const SnapshotV4 = Type.Object(
  {
    ...SnapshotFields,
    suspension: Opt(Type.Object({ phase: Str }, { additionalProperties: false })),
    appliedConfigHash: Opt(Type.Union([Str, Type.Null()])),
  },
  { additionalProperties: false, $id: "SnapshotV4" },
);
/** A hello snapshot of either version. */
export type Snapshot = Static<typeof SnapshotV4>;

/** Limits the client must respect. */
export const Policy = Type.Object(
  { maxPayload: Type.Integer(), maxBufferedBytes: Type.Integer(), tickIntervalMs: Type.Integer() },
  { additionalProperties: false, $id: "Policy" },
);
/** Limits the client must respect. */
export type Policy = Static<typeof Policy>;

/** v4 limits: the v3 ones plus what `chat.send` / `agent` attachments may weigh (decoded bytes). */
export const PolicyV4 = Type.Object(
  {
    ...Policy.properties,
    attachments: Opt(Type.Object({ maxBytes: Type.Integer(), maxImageBytes: Type.Integer() }, { additionalProperties: false })),
  },
  { additionalProperties: false, $id: "PolicyV4" },
);
/** v4 limits. */
export type PolicyV4 = Static<typeof PolicyV4>;

const Features = { methods: Type.Array(Str), events: Type.Array(Str) };
const ServerInfo = { version: Str, connId: Str };

/** Auth outcome in v3 (optional block, only with a device token). */
export const HelloAuthV3 = Type.Object(
  { deviceToken: Str, role: Str, scopes: Type.Array(Str), issuedAtMs: Opt(Type.Integer()) },
  { additionalProperties: false, $id: "HelloAuthV3" },
);

/** Auth methods reported in v4 `hello-ok.auth.method`. */
export const AuthMethod = Type.Union(
  ["none", "token", "password", "tailscale", "device-token", "bootstrap-token", "trusted-proxy"].map((m) => Type.Literal(m)),
);
/** How a connection authenticated. */
export type AuthMethod = Static<typeof AuthMethod>;

/** Auth outcome in v4: always present, the socket's live role and scopes. */
export const HelloAuthV4 = Type.Object(
  {
    method: Opt(AuthMethod), role: Str, scopes: Type.Array(Str),
    deviceToken: Opt(Str), issuedAtMs: Opt(Type.Integer()),
  },
  { additionalProperties: false, $id: "HelloAuthV4" },
);

/** Successful connect payload for protocol 3. */
export const HelloOkV3 = Type.Object(
  {
    type: Type.Literal("hello-ok"),
    protocol: Type.Literal(3),
    server: Type.Object(ServerInfo, { additionalProperties: false }),
    features: Type.Object(Features, { additionalProperties: false }),
    snapshot: SnapshotV3,
    canvasHostUrl: Opt(Str),
    auth: Opt(HelloAuthV3),
    policy: Policy,
  },
  { additionalProperties: false, $id: "HelloOkV3" },
);
/** hello-ok for protocol 3. */
export type HelloOkV3 = Static<typeof HelloOkV3>;

/** Successful connect payload for protocol 4. */
export const HelloOkV4 = Type.Object(
  {
    type: Type.Literal("hello-ok"),
    protocol: Type.Literal(4),
    server: Type.Object({ ...ServerInfo, buildId: Opt(Type.String({ maxLength: 96 })), bootId: Opt(Type.String({ maxLength: 96 })) }, { additionalProperties: false }),
    features: Type.Object({ ...Features, capabilities: Opt(Type.Array(Str)) }, { additionalProperties: false }),
    snapshot: SnapshotV4,
    auth: HelloAuthV4,
    policy: PolicyV4,
    pluginSurfaceUrls: Opt(Type.Record(Str, Str)),
  },
  { additionalProperties: false, $id: "HelloOkV4" },
);
/** hello-ok for protocol 4. */
export type HelloOkV4 = Static<typeof HelloOkV4>;
