/** @module The `connect` request params (protocol.md §2.2, protocol-v4.md §3): the v4 field set, accepted for v3 too. */
import { Type, type Static } from "@sinclair/typebox";

/** Client ids known from Mayros (v3) and OpenClaw (v4); any other non-empty id is accepted and recorded. */
export const KNOWN_CLIENT_IDS = [
  "webchat-ui", "webchat", "cli", "gateway-client", "node-host", "test", "fingerprint",
  "mayros-control-ui", "mayros-macos", "mayros-ios", "mayros-android", "mayros-probe",
  "openclaw-control-ui", "openclaw-macos", "openclaw-ios", "openclaw-android", "openclaw-probe",
  "openclaw-browser-copilot", "openclaw-tui", "openclaw-linux", "openclaw-watchos", "openclaw-worker",
] as const;

/** Client modes (v4 adds `worker`, which this socket refuses). */
export const ClientModes = ["webchat", "cli", "ui", "backend", "node", "probe", "test", "worker"] as const;
/** One of {@link ClientModes}. */
export type ClientMode = (typeof ClientModes)[number];

/** Who is connecting. */
export const ClientInfo = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    displayName: Type.Optional(Type.String({ maxLength: 256 })),
    version: Type.String({ maxLength: 128 }),
    platform: Type.String({ maxLength: 256 }),
    deviceFamily: Type.Optional(Type.String({ maxLength: 128 })),
    modelIdentifier: Type.Optional(Type.String({ maxLength: 128 })),
    mode: Type.Union(ClientModes.map((m) => Type.Literal(m))),
    instanceId: Type.Optional(Type.String({ maxLength: 256 })),
    buildId: Type.Optional(Type.String({ minLength: 1, maxLength: 96 })),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false, $id: "ClientInfo" },
);
/** Who is connecting. */
export type ClientInfo = Static<typeof ClientInfo>;

/** Shared secret or credentials presented at connect. */
export const ConnectAuth = Type.Object(
  {
    token: Type.Optional(Type.String({ maxLength: 4096 })),
    password: Type.Optional(Type.String({ maxLength: 4096 })),
    deviceToken: Type.Optional(Type.String({ maxLength: 4096 })),
    bootstrapToken: Type.Optional(Type.String({ maxLength: 4096 })),
    approvalRuntimeToken: Type.Optional(Type.String({ maxLength: 4096 })),
    agentRuntimeIdentityToken: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { additionalProperties: false, $id: "ConnectAuth" },
);
/** Connect credentials. */
export type ConnectAuth = Static<typeof ConnectAuth>;

/** Signed Ed25519 device identity proof (verified by the devices module). */
export const DeviceProof = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 256 }),
    publicKey: Type.String({ minLength: 1, maxLength: 4096 }),
    signature: Type.String({ minLength: 1, maxLength: 1024 }),
    signedAt: Type.Integer({ minimum: 0 }),
    nonce: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false, $id: "DeviceProof" },
);
/** Signed device identity proof. */
export type DeviceProof = Static<typeof DeviceProof>;

const StringList = Type.Array(Type.String({ maxLength: 256 }), { maxItems: 256 });

/** Params of the first request on every socket. */
export const ConnectParams = Type.Object(
  {
    minProtocol: Type.Integer({ minimum: 1 }),
    maxProtocol: Type.Integer({ minimum: 1 }),
    client: ClientInfo,
    /** `operator` (default) or `node`; anything else is refused with "invalid role". */
    role: Type.Optional(Type.String({ maxLength: 64 })),
    scopes: Type.Optional(StringList),
    caps: Type.Optional(StringList),
    commands: Type.Optional(StringList),
    permissions: Type.Optional(Type.Record(Type.String(), Type.Boolean())),
    pathEnv: Type.Optional(Type.String()),
    auth: Type.Optional(ConnectAuth),
    device: Type.Optional(DeviceProof),
    locale: Type.Optional(Type.String({ maxLength: 64 })),
    userAgent: Type.Optional(Type.String({ maxLength: 512 })),
    modelCatalog: Type.Optional(Type.Unknown()),
    computerUse: Type.Optional(Type.Unknown()),
    workerRuns: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false, $id: "ConnectParams" },
);
/** Params of `connect`. */
export type ConnectParams = Static<typeof ConnectParams>;

/** Roles a connection may take. */
export type Role = "operator" | "node";
