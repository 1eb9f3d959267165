/**
 * @module Params and results of the node methods (protocol.md §4.2, §6 "Nodes"; protocol-v4.md §5):
 * operator side `node.list/describe/rename/invoke` and legacy `node.pair.*`; node side
 * `node.invoke.result`, `node.event`, `node.canvas.capability.refresh` (v3), `node.pluginSurface.refresh` (v4).
 */
import { Type, type Static } from "@sinclair/typebox";
import { PairingRequestIdParams } from "./devices.ts";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;
const Id = Type.String({ minLength: 1, maxLength: 256 });
const Str = Type.String();
const Ms = Type.Integer({ minimum: 0 });
const Strings = Type.Array(Type.String());
const Claim = Type.String({ maxLength: 256 });
const ClaimList = Type.Array(Type.String({ maxLength: 256 }), { maxItems: 512 });

/** Largest `node.invoke` timeout: 10 minutes. */
export const MAX_NODE_INVOKE_TIMEOUT_MS = 600_000;

/** What a node says about itself when asking to pair (claims, not verified). */
const NodeClaims = {
  displayName: Opt(Claim), platform: Opt(Claim), version: Opt(Claim), coreVersion: Opt(Claim), uiVersion: Opt(Claim),
  deviceFamily: Opt(Claim), modelIdentifier: Opt(Claim), caps: Opt(ClaimList), commands: Opt(ClaimList), remoteIp: Opt(Claim),
};

// ---- node.pair.* (legacy node pairing; does not gate the WebSocket handshake) ----

/** `node.pair.request` params: idempotent per node, a repeat refreshes the pending request. */
export const NodePairRequestParams = Type.Object(
  { nodeId: Id, ...NodeClaims, silent: Opt(Type.Boolean()) },
  { ...Closed, $id: "NodePairRequestParams" },
);
/** `node.pair.request` params. */
export type NodePairRequestParams = Static<typeof NodePairRequestParams>;

/** A node pairing request waiting for a decision (5 min TTL, one per node); payload of `node.pair.requested`. */
export const NodePendingRequest = Type.Object(
  { requestId: Str, nodeId: Str, ...NodeClaims, silent: Type.Boolean(), isRepair: Type.Boolean(), ts: Ms },
  { ...Closed, $id: "NodePendingRequest" },
);
/** A pending node pairing request. */
export type NodePendingRequest = Static<typeof NodePendingRequest>;

const PairedNodeFields = { nodeId: Str, ...NodeClaims, createdAtMs: Ms, approvedAtMs: Ms };

/** A paired (legacy) node; its token is stored hashed and never listed. */
export const PairedNode = Type.Object(PairedNodeFields, { ...Closed, $id: "PairedNode" });
/** A paired node. */
export type PairedNode = Static<typeof PairedNode>;

/** `node.pair.request` result: never a token. */
export const NodePairRequestResult = Type.Object(
  { status: Type.Literal("pending"), created: Type.Boolean(), request: NodePendingRequest },
  { ...Closed, $id: "NodePairRequestResult" },
);
/** `node.pair.request` result. */
export type NodePairRequestResult = Static<typeof NodePairRequestResult>;

/** `node.pair.list` params (none). */
export const NodePairListParams = Opt(Type.Object({}, { ...Closed, $id: "NodePairListParams" }));
/** `node.pair.list` result. */
export const NodePairListResult = Type.Object(
  { pending: Type.Array(NodePendingRequest), paired: Type.Array(PairedNode) },
  { ...Closed, $id: "NodePairListResult" },
);
/** `node.pair.list` result. */
export type NodePairListResult = Static<typeof NodePairListResult>;

/** `node.pair.approve` params. */
export const NodePairApproveParams = PairingRequestIdParams;
/** `node.pair.approve` params. */
export type NodePairApproveParams = Static<typeof NodePairApproveParams>;
/** `node.pair.approve` result: the paired node with a fresh token, shown once. */
export const NodePairApproveResult = Type.Object(
  { requestId: Str, node: Type.Object({ ...PairedNodeFields, token: Str }, { ...Closed, $id: "IssuedNode" }) },
  { ...Closed, $id: "NodePairApproveResult" },
);
/** `node.pair.approve` result. */
export type NodePairApproveResult = Static<typeof NodePairApproveResult>;

/** `node.pair.reject` params. */
export const NodePairRejectParams = PairingRequestIdParams;
/** `node.pair.reject` params. */
export type NodePairRejectParams = Static<typeof NodePairRejectParams>;
/** `node.pair.reject` result. */
export const NodePairRejectResult = Type.Object({ requestId: Str, nodeId: Str }, { ...Closed, $id: "NodePairRejectResult" });
/** `node.pair.reject` result. */
export type NodePairRejectResult = Static<typeof NodePairRejectResult>;

/** `node.pair.verify` params. */
export const NodePairVerifyParams = Type.Object(
  { nodeId: Id, token: Type.String({ minLength: 1, maxLength: 1024 }) },
  { ...Closed, $id: "NodePairVerifyParams" },
);
/** `node.pair.verify` params. */
export type NodePairVerifyParams = Static<typeof NodePairVerifyParams>;
/** `node.pair.verify` result. */
export const NodePairVerifyResult = Type.Object({ ok: Type.Boolean(), nodeId: Str }, { ...Closed, $id: "NodePairVerifyResult" });
/** `node.pair.verify` result. */
export type NodePairVerifyResult = Static<typeof NodePairVerifyResult>;

// ---- node.list / describe / rename ----

const NodeEntryFields = {
  nodeId: Str,
  displayName: Opt(Str),
  /** Absent for an offline node whose platform is unknown. */
  platform: Opt(Str),
  /** Absent for an offline node. */
  version: Opt(Str),
  coreVersion: Opt(Str), uiVersion: Opt(Str), deviceFamily: Opt(Str), modelIdentifier: Opt(Str), remoteIp: Opt(Str),
  caps: Strings,
  /** Commands the gateway lets operators invoke (declared by the node and allowed by policy). */
  commands: Strings,
  permissions: Opt(Type.Record(Type.String(), Type.Boolean())),
  connected: Type.Boolean(),
  paired: Type.Boolean(),
  connectedAtMs: Opt(Ms),
};

/** One node in `node.list`: connected ones from the registry, plus offline paired ones. */
export const NodeSummary = Type.Object(NodeEntryFields, { ...Closed, $id: "NodeSummary" });
/** One node in `node.list`. */
export type NodeSummary = Static<typeof NodeSummary>;

/** `node.list` params (none). */
export const NodeListParams = Opt(Type.Object({}, { ...Closed, $id: "NodeListParams" }));
/** `node.list` result. */
export const NodeListResult = Type.Object({ ts: Ms, nodes: Type.Array(NodeSummary) }, { ...Closed, $id: "NodeListResult" });
/** `node.list` result. */
export type NodeListResult = Static<typeof NodeListResult>;

/** `node.describe` params. */
export const NodeDescribeParams = Type.Object({ nodeId: Id }, { ...Closed, $id: "NodeDescribeParams" });
/** `node.describe` params. */
export type NodeDescribeParams = Static<typeof NodeDescribeParams>;
/** `node.describe` result: a {@link NodeSummary} plus every command the node declared. */
export const NodeDescribeResult = Type.Object(
  { ...NodeEntryFields, declaredCommands: Strings },
  { ...Closed, $id: "NodeDescribeResult" },
);
/** `node.describe` result. */
export type NodeDescribeResult = Static<typeof NodeDescribeResult>;

/** `node.rename` params. */
export const NodeRenameParams = Type.Object(
  { nodeId: Id, displayName: Type.String({ minLength: 1, maxLength: 256 }) },
  { ...Closed, $id: "NodeRenameParams" },
);
/** `node.rename` params. */
export type NodeRenameParams = Static<typeof NodeRenameParams>;
/** `node.rename` result. */
export const NodeRenameResult = Type.Object({ nodeId: Str, displayName: Str }, { ...Closed, $id: "NodeRenameResult" });
/** `node.rename` result. */
export type NodeRenameResult = Static<typeof NodeRenameResult>;

// ---- node.invoke and the node's answer ----

/** `node.invoke` params: the command must be declared by the node and allowed by the gateway. */
export const NodeInvokeParams = Type.Object(
  {
    nodeId: Id,
    command: Type.String({ minLength: 1, maxLength: 256 }),
    params: Opt(Type.Unknown()),
    timeoutMs: Opt(Type.Integer({ minimum: 1, maximum: MAX_NODE_INVOKE_TIMEOUT_MS })),
    idempotencyKey: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { ...Closed, $id: "NodeInvokeParams" },
);
/** `node.invoke` params. */
export type NodeInvokeParams = Static<typeof NodeInvokeParams>;
/** `node.invoke` result: the node's payload. */
export const NodeInvokeResult = Type.Object(
  { ok: Type.Literal(true), nodeId: Str, command: Str, payload: Opt(Type.Unknown()) },
  { ...Closed, $id: "NodeInvokeResult" },
);
/** `node.invoke` result. */
export type NodeInvokeResult = Static<typeof NodeInvokeResult>;

/** `{ ok: true }`: the acknowledgement of the node-side methods. */
export const NodeAck = Type.Object({ ok: Type.Literal(true) }, { ...Closed, $id: "NodeAck" });

/** Why a node could not run a command. */
export const NodeInvokeError = Type.Object({ code: Opt(Str), message: Opt(Str) }, { ...Closed, $id: "NodeInvokeError" });

/** `node.invoke.result` params (node role): the outcome of one `node.invoke.request`. */
export const NodeInvokeResultParams = Type.Object(
  {
    id: Id,
    nodeId: Id,
    ok: Type.Boolean(),
    payload: Opt(Type.Unknown()),
    payloadJSON: Opt(Type.String()),
    error: Opt(NodeInvokeError),
  },
  { ...Closed, $id: "NodeInvokeResultParams" },
);
/** `node.invoke.result` params. */
export type NodeInvokeResultParams = Static<typeof NodeInvokeResultParams>;

/** `node.event` params (node role): an event from the node. */
export const NodeEventParams = Type.Object(
  { event: Type.String({ minLength: 1, maxLength: 256 }), payload: Opt(Type.Unknown()), payloadJSON: Opt(Type.String()) },
  { ...Closed, $id: "NodeEventParams" },
);
/** `node.event` params. */
export type NodeEventParams = Static<typeof NodeEventParams>;

// ---- capability URLs for the node's canvas ----

/** `node.canvas.capability.refresh` params (v3, node role; none). */
export const NodeCanvasCapabilityRefreshParams = Opt(Type.Object({}, { ...Closed, $id: "NodeCanvasCapabilityRefreshParams" }));
/** `node.canvas.capability.refresh` result: a fresh capability-scoped canvas URL. */
export const NodeCanvasCapabilityRefreshResult = Type.Object(
  { canvasHostUrl: Str, expiresAtMs: Ms },
  { ...Closed, $id: "NodeCanvasCapabilityRefreshResult" },
);
/** `node.canvas.capability.refresh` result. */
export type NodeCanvasCapabilityRefreshResult = Static<typeof NodeCanvasCapabilityRefreshResult>;

/** `node.pluginSurface.refresh` params (v4, node role); `canvas` is the only surface. */
export const NodePluginSurfaceRefreshParams = Type.Object(
  { surface: Type.String({ minLength: 1, maxLength: 64 }) },
  { ...Closed, $id: "NodePluginSurfaceRefreshParams" },
);
/** `node.pluginSurface.refresh` params. */
export type NodePluginSurfaceRefreshParams = Static<typeof NodePluginSurfaceRefreshParams>;
/** `node.pluginSurface.refresh` result: a fresh URL of that surface. */
export const NodePluginSurfaceRefreshResult = Type.Object(
  { surface: Str, url: Str, expiresAtMs: Ms },
  { ...Closed, $id: "NodePluginSurfaceRefreshResult" },
);
/** `node.pluginSurface.refresh` result. */
export type NodePluginSurfaceRefreshResult = Static<typeof NodePluginSurfaceRefreshResult>;
