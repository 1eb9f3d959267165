/**
 * @module The protocol surface: every method with its params, result, role and scope, and every
 * event with its payload and scope guard. Dispatch, broadcast, hello-ok and codegen all read this table.
 */
import type { TSchema } from "@sinclair/typebox";
import type { Role } from "./connect.ts";
import type { Scope } from "./scopes.ts";
import { ConnectParams } from "./connect.ts";
import { HealthSnapshot, HelloOkV4 } from "./hello.ts";
import {
  ConnectChallengePayload, DevicePairResolvedPayload, NodeInvokeRequestPayload, NodePairResolvedPayload, PresencePayload,
  ShutdownPayload, TickPayload,
} from "./events.ts";
import * as sys from "./methods/system.ts";
import * as cfg from "./methods/config.ts";
import * as agent from "./methods/agent.ts";
import * as chat from "./methods/chat.ts";
import * as sess from "./methods/sessions.ts";
import * as dev from "./methods/devices.ts";
import * as nod from "./methods/nodes.ts";
import * as xa from "./methods/exec-approvals.ts";
import * as cron from "../cron/protocol.ts";
import { CronEvent } from "../cron/types.ts";
import * as hb from "./methods/heartbeat.ts";
import * as send from "./methods/send.ts";
import * as channels from "./methods/channels.ts";
import * as chpair from "./methods/pairing.ts";
import * as web from "./methods/web-login.ts";
import * as plugins from "./methods/plugins.ts";
import * as files from "./methods/agents-files.ts";

/** How a method treats `params.idempotencyKey`: required and deduped, or deduped when given. */
export type Idempotency = "required" | "optional";

/** Wire facts about one method. */
export interface MethodSpec {
  /** Schema of `params` (an `Optional` schema means params may be omitted). */
  params: TSchema;
  /** Schema of the success payload. */
  result: TSchema;
  /** The role allowed to call it. */
  role: Role;
  /** Scope required of operators; `null` = any authenticated connection. */
  scope: Scope | null;
  /** Side-effecting methods dedupe retries by `idempotencyKey`. */
  idempotency?: Idempotency;
  /** One line for docs and generated code. */
  summary: string;
}

/** Who receives an event: everyone, operators holding a scope, or one targeted connection. */
export type EventGuard = { kind: "everyone" } | { kind: "scope"; scope: Scope } | { kind: "targeted" };

/** Wire facts about one event. */
export interface EventSpec {
  payload: TSchema;
  guard: EventGuard;
  /** Skipped (its seq still consumed) for a client whose send buffer is over `maxBufferedBytes`. */
  droppable: boolean;
  summary: string;
}

/** Every method this gateway implements. */
export const METHODS = {
  connect: { params: ConnectParams, result: HelloOkV4, role: "operator", scope: null, summary: "Handshake; only valid as the first request." },
  health: { params: sys.HealthParams, result: sys.HealthResult, role: "operator", scope: null, summary: "Cached health snapshot; `probe` recomputes it." },
  status: { params: sys.StatusParams, result: sys.StatusResult, role: "operator", scope: "operator.read", summary: "Gateway status summary." },
  "system-presence": { params: sys.SystemPresenceParams, result: sys.SystemPresenceResult, role: "operator", scope: "operator.read", summary: "Every presence row." },
  "system-event": { params: sys.SystemEventParams, result: sys.SystemEventResult, role: "operator", scope: "operator.admin", idempotency: "optional", summary: "Queue a system event for the main session and refresh the sender's presence." },
  "logs.tail": { params: sys.LogsTailParams, result: sys.LogsTailResult, role: "operator", scope: "operator.read", summary: "Read the gateway log by cursor." },
  "config.get": { params: cfg.ConfigGetParams, result: cfg.ConfigGetResult, role: "operator", scope: "operator.read", summary: "The config file, secrets redacted, with its hash." },
  "config.schema": { params: cfg.ConfigSchemaParams, result: cfg.ConfigSchemaResult, role: "operator", scope: "operator.read", summary: "JSON Schema of the config file." },
  "config.patch": { params: cfg.ConfigWriteParams, result: cfg.ConfigWriteResult, role: "operator", scope: "operator.admin", idempotency: "optional", summary: "Merge-patch the config file (validated, atomic, baseHash-checked)." },
  "config.apply": { params: cfg.ConfigWriteParams, result: cfg.ConfigWriteResult, role: "operator", scope: "operator.admin", idempotency: "optional", summary: "Replace the config file (validated, atomic, baseHash-checked)." },
  "device.pair.list": { params: dev.DevicePairListParams, result: dev.DevicePairListResult, role: "operator", scope: "operator.pairing", summary: "Pending device pairing requests and paired devices (tokens summarized, never shown)." },
  "device.pair.approve": { params: dev.DevicePairApproveParams, result: dev.DevicePairApproveResult, role: "operator", scope: "operator.pairing", summary: "Approve a pending device pairing request." },
  "device.pair.reject": { params: dev.DevicePairRejectParams, result: dev.DevicePairRejectResult, role: "operator", scope: "operator.pairing", summary: "Reject a pending device pairing request." },
  "device.pair.remove": { params: dev.DevicePairRemoveParams, result: dev.DevicePairRemoveResult, role: "operator", scope: "operator.pairing", summary: "Unpair a device and disconnect it." },
  "device.token.rotate": { params: dev.DeviceTokenRotateParams, result: dev.DeviceTokenRotateResult, role: "operator", scope: "operator.pairing", summary: "Mint a new device token for a role (the old one stops working)." },
  "device.token.revoke": { params: dev.DeviceTokenRevokeParams, result: dev.DeviceTokenRevokeResult, role: "operator", scope: "operator.pairing", summary: "Revoke a device token and disconnect the sockets that used it." },
  "node.pair.request": { params: nod.NodePairRequestParams, result: nod.NodePairRequestResult, role: "operator", scope: "operator.pairing", summary: "Ask to pair a node (legacy flow; idempotent per node)." },
  "node.pair.list": { params: nod.NodePairListParams, result: nod.NodePairListResult, role: "operator", scope: "operator.pairing", summary: "Pending node pairing requests and paired nodes." },
  "node.pair.approve": { params: nod.NodePairApproveParams, result: nod.NodePairApproveResult, role: "operator", scope: "operator.pairing", summary: "Approve a node pairing request, issuing a fresh node token." },
  "node.pair.reject": { params: nod.NodePairRejectParams, result: nod.NodePairRejectResult, role: "operator", scope: "operator.pairing", summary: "Reject a node pairing request." },
  "node.pair.verify": { params: nod.NodePairVerifyParams, result: nod.NodePairVerifyResult, role: "operator", scope: "operator.pairing", summary: "Check a node token." },
  "node.rename": { params: nod.NodeRenameParams, result: nod.NodeRenameResult, role: "operator", scope: "operator.pairing", summary: "Rename a paired or connected node." },
  "node.list": { params: nod.NodeListParams, result: nod.NodeListResult, role: "operator", scope: "operator.read", summary: "Connected nodes and offline paired ones." },
  "node.describe": { params: nod.NodeDescribeParams, result: nod.NodeDescribeResult, role: "operator", scope: "operator.read", summary: "One node, with every command it declared." },
  "node.invoke": { params: nod.NodeInvokeParams, result: nod.NodeInvokeResult, role: "operator", scope: "operator.write", idempotency: "required", summary: "Run a declared, allowed command on a node and wait for its result." },
  "node.invoke.result": { params: nod.NodeInvokeResultParams, result: nod.NodeAck, role: "node", scope: null, summary: "A node's answer to node.invoke.request." },
  "node.event": { params: nod.NodeEventParams, result: nod.NodeAck, role: "node", scope: null, summary: "An event reported by a node." },
  "node.canvas.capability.refresh": { params: nod.NodeCanvasCapabilityRefreshParams, result: nod.NodeCanvasCapabilityRefreshResult, role: "node", scope: null, summary: "A fresh capability-scoped canvas URL (v3)." },
  "node.pluginSurface.refresh": { params: nod.NodePluginSurfaceRefreshParams, result: nod.NodePluginSurfaceRefreshResult, role: "node", scope: null, summary: "A fresh URL of a plugin surface; only `canvas` (v4)." },
  agent: { params: agent.AgentParams, result: agent.AgentResult, role: "operator", scope: "operator.write", idempotency: "required", summary: "Run the agent: an accepted ack, then the final response on the same id." },
  "agent.wait": { params: agent.AgentWaitParams, result: agent.AgentWaitResult, role: "operator", scope: "operator.write", summary: "Wait for a run to end (waiting never stops it)." },
  "agent.identity.get": { params: agent.AgentIdentityParams, result: agent.AgentIdentityResult, role: "operator", scope: "operator.read", summary: "The agent's name and emoji." },
  "models.list": { params: agent.ModelsListParams, result: agent.ModelsListResult, role: "operator", scope: "operator.read", summary: "Configured models." },
  "agents.list": { params: agent.AgentsListParams, result: agent.AgentsListResult, role: "operator", scope: "operator.read", summary: "Configured agents." },
  "chat.send": { params: chat.ChatSendParams, result: chat.ChatSendResult, role: "operator", scope: "operator.write", idempotency: "required", summary: "Send a WebChat message; the reply streams as chat events." },
  "chat.history": { params: chat.ChatHistoryParams, result: chat.ChatHistoryResult, role: "operator", scope: "operator.read", summary: "A session's transcript tail." },
  "chat.abort": { params: chat.ChatAbortParams, result: chat.ChatAbortResult, role: "operator", scope: "operator.write", summary: "Abort a session's run; the partial reply is kept." },
  "chat.inject": { params: chat.ChatInjectParams, result: chat.ChatInjectResult, role: "operator", scope: "operator.admin", idempotency: "optional", summary: "Append an assistant note without a run." },
  "sessions.list": { params: sess.SessionsListParams, result: sess.SessionsListResult, role: "operator", scope: "operator.read", summary: "Sessions, newest first." },
  "sessions.patch": { params: sess.SessionsPatchParams, result: sess.SessionsChangeResult, role: "operator", scope: "operator.write", summary: "Set or clear per-session overrides." },
  "sessions.reset": { params: sess.SessionsResetParams, result: sess.SessionsChangeResult, role: "operator", scope: "operator.admin", summary: "Start a session over with a new sessionId." },
  "sessions.delete": { params: sess.SessionsDeleteParams, result: sess.SessionsChangeResult, role: "operator", scope: "operator.admin", summary: "Delete a session (not the main one)." },
  "sessions.preview": { params: sess.SessionsPreviewParams, result: sess.SessionsPreviewResult, role: "operator", scope: "operator.read", summary: "The last few messages of each session, as short texts." },
  "sessions.resolve": { params: sess.SessionsResolveParams, result: sess.SessionsResolveResult, role: "operator", scope: "operator.read", summary: "Find one session by key, sessionId or label." },
  "sessions.compact": { params: sess.SessionsCompactParams, result: sess.SessionsCompactResult, role: "operator", scope: "operator.admin", summary: "Keep only the last maxLines transcript entries and clear the token counts." },
  "sessions.usage": { params: sess.SessionsUsageParams, result: sess.SessionsUsageResult, role: "operator", scope: "operator.read", summary: "Token counters of one session or of all, with totals." },
  "agents.files.list": { params: files.AgentsFilesListParams, result: files.AgentsFilesListResult, role: "operator", scope: "operator.read", summary: "The agent's workspace bootstrap files with size and mtime." },
  "agents.files.get": { params: files.AgentsFilesGetParams, result: files.AgentsFilesGetResult, role: "operator", scope: "operator.read", summary: "The text of one workspace bootstrap file." },
  "agents.files.set": { params: files.AgentsFilesSetParams, result: files.AgentsFilesSetResult, role: "operator", scope: "operator.admin", summary: "Replace one workspace bootstrap file (atomic write)." },
  "exec.approvals.get": { params: xa.ExecApprovalsGetParams, result: xa.ExecApprovalsSnapshot, role: "operator", scope: "operator.admin", summary: "The exec approvals policy file (defaults filled in) and its hash." },
  "exec.approvals.set": { params: xa.ExecApprovalsSetParams, result: xa.ExecApprovalsSnapshot, role: "operator", scope: "operator.admin", summary: "Replace the exec approvals policy file (baseHash-checked once saved)." },
  "exec.approval.request": { params: xa.ExecApprovalRequestParams, result: xa.ExecApprovalRequestResult, role: "operator", scope: "operator.approvals", summary: "Ask approvers to allow a command; answers with the decision (twoPhase: an ack first)." },
  "exec.approval.waitDecision": { params: xa.ExecApprovalWaitDecisionParams, result: xa.ExecApprovalWaitDecisionResult, role: "operator", scope: "operator.approvals", summary: "Wait for the decision on an approval request." },
  "exec.approval.resolve": { params: xa.ExecApprovalResolveParams, result: xa.ExecApprovalResolveResult, role: "operator", scope: "operator.approvals", summary: "Answer an approval request: allow-once, allow-always or deny." },
  "cron.list": { params: cron.CronListParams, result: cron.CronListResult, role: "operator", scope: "operator.read", summary: "Cron jobs (enabled ones unless includeDisabled)." },
  "cron.status": { params: cron.CronStatusParams, result: cron.CronStatusResult, role: "operator", scope: "operator.read", summary: "Cron scheduler summary." },
  "cron.add": { params: cron.CronAddParams, result: cron.CronAddResult, role: "operator", scope: "operator.admin", summary: "Add a cron job." },
  "cron.update": { params: cron.CronUpdateParams, result: cron.CronUpdateResult, role: "operator", scope: "operator.admin", summary: "Patch a cron job." },
  "cron.remove": { params: cron.CronRemoveParams, result: cron.CronRemoveResult, role: "operator", scope: "operator.admin", summary: "Delete a cron job and its run log." },
  "cron.run": { params: cron.CronRunParams, result: cron.CronRunResult, role: "operator", scope: "operator.admin", summary: "Run a cron job now (force) or if due; answers when the run ended." },
  "cron.runs": { params: cron.CronRunsParams, result: cron.CronRunsResult, role: "operator", scope: "operator.read", summary: "Run log of a cron job, newest first." },
  "last-heartbeat": { params: hb.LastHeartbeatParams, result: hb.LastHeartbeatResult, role: "operator", scope: "operator.read", summary: "The last heartbeat event, or null." },
  "set-heartbeats": { params: hb.SetHeartbeatsParams, result: hb.SetHeartbeatsResult, role: "operator", scope: "operator.admin", summary: "Turn the periodic heartbeat on or off." },
  wake: { params: hb.WakeParams, result: hb.WakeResult, role: "operator", scope: "operator.write", summary: "Queue a system event for the main session; mode now runs a heartbeat at once." },
  send: { params: send.SendParams, result: send.SendResult, role: "operator", scope: "operator.write", idempotency: "required", summary: "Send a message on a channel." },
  "channels.status": { params: channels.ChannelsStatusParams, result: channels.ChannelsStatusResult, role: "operator", scope: "operator.read", summary: "Every configured channel account with its connection state." },
  "channels.logout": { params: channels.ChannelsLogoutParams, result: channels.ChannelsLogoutResult, role: "operator", scope: "operator.admin", summary: "Stop a channel account and clear its login state." },
  "web.login.start": { params: web.WebLoginStartParams, result: web.WebLoginStartResult, role: "operator", scope: "operator.admin", summary: "Start a QR login (WhatsApp): the first QR to scan, or connected when already linked." },
  "plugins.list": { params: plugins.PluginsListParams, result: plugins.PluginsListResult, role: "operator", scope: "operator.read", summary: "Plugins found, what each registered, and why one did not load." },
  "web.login.wait": { params: web.WebLoginWaitParams, result: web.WebLoginWaitResult, role: "operator", scope: "operator.admin", summary: "Wait for a QR login: connected, a new QR, or why it ended." },
  "pairing.list": { params: chpair.PairingListParams, result: chpair.PairingListResult, role: "operator", scope: "operator.pairing", summary: "Pending DM pairing codes of channel senders." },
  "pairing.approve": { params: chpair.PairingApproveParams, result: chpair.PairingApproveResult, role: "operator", scope: "operator.pairing", summary: "Approve a channel sender's DM pairing code." },
} as const satisfies Record<string, MethodSpec>;

/** Name of a method in {@link METHODS}. */
export type MethodName = keyof typeof METHODS;

const everyone: EventGuard = { kind: "everyone" };
const pairing: EventGuard = { kind: "scope", scope: "operator.pairing" };

/** Every event this gateway emits. */
export const EVENTS = {
  "connect.challenge": { payload: ConnectChallengePayload, guard: { kind: "targeted" }, droppable: false, summary: "Handshake nonce, sent on open." },
  tick: { payload: TickPayload, guard: everyone, droppable: true, summary: "Keepalive every tickIntervalMs." },
  presence: { payload: PresencePayload, guard: { kind: "scope", scope: "operator.read" }, droppable: true, summary: "Presence list after a change." },
  health: { payload: HealthSnapshot, guard: everyone, droppable: true, summary: "Health snapshot after a change." },
  shutdown: { payload: ShutdownPayload, guard: everyone, droppable: false, summary: "The gateway is stopping." },
  "device.pair.requested": { payload: dev.DevicePendingRequest, guard: pairing, droppable: false, summary: "A device asks to pair." },
  "device.pair.resolved": { payload: DevicePairResolvedPayload, guard: pairing, droppable: false, summary: "A device pairing request was approved, rejected or expired." },
  "node.pair.requested": { payload: nod.NodePendingRequest, guard: pairing, droppable: false, summary: "A node asks to pair (legacy flow)." },
  "node.pair.resolved": { payload: NodePairResolvedPayload, guard: pairing, droppable: false, summary: "A node pairing request was approved, rejected or expired." },
  "node.invoke.request": { payload: NodeInvokeRequestPayload, guard: { kind: "targeted" }, droppable: false, summary: "A command for one node; answered with node.invoke.result." },
  agent: { payload: agent.AgentEventPayload, guard: { kind: "scope", scope: "operator.read" }, droppable: false, summary: "One step of an agent run (per-run seq)." },
  chat: { payload: chat.ChatEventPayload, guard: { kind: "scope", scope: "operator.read" }, droppable: false, summary: "WebChat reply: delta, final, aborted or error." },
  "exec.approval.requested": { payload: xa.ExecApprovalRequestedPayload, guard: { kind: "scope", scope: "operator.approvals" }, droppable: false, summary: "A command waits for an approver's decision." },
  "exec.approval.resolved": { payload: xa.ExecApprovalResolvedPayload, guard: { kind: "scope", scope: "operator.approvals" }, droppable: false, summary: "An approval request was decided or expired." },
  cron: { payload: CronEvent, guard: { kind: "scope", scope: "operator.read" }, droppable: false, summary: "A cron job was added, updated, removed, started or finished." },
  heartbeat: { payload: hb.HeartbeatEvent, guard: everyone, droppable: true, summary: "How a heartbeat ended: sent, ok-empty, ok-token, skipped or failed." },
} as const satisfies Record<string, EventSpec>;

/** Name of an event in {@link EVENTS}. */
export type EventName = keyof typeof EVENTS;

/** Method names advertised in `hello-ok.features.methods` (connect is implied). */
export const ADVERTISED_METHODS: string[] = Object.keys(METHODS).filter((m) => m !== "connect");
/** Event names advertised in `hello-ok.features.events`. */
export const ADVERTISED_EVENTS: string[] = Object.keys(EVENTS);
