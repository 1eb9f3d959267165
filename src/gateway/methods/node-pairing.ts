/**
 * @module Handlers of legacy node pairing (`node.pair.request/list/approve/reject/verify`,
 * protocol.md §4.2). Requests that expired since the last call are announced as
 * `node.pair.resolved` with decision `expired`.
 */
import { GatewayError } from "../../protocol/index.ts";
import type {
  NodePairApproveParams, NodePairApproveResult, NodePairListResult, NodePairRejectParams, NodePairRejectResult,
  NodePairRequestParams, NodePairRequestResult, NodePairVerifyParams, NodePairVerifyResult,
} from "../../protocol/methods/nodes.ts";
import type { GatewayServices, MethodTable } from "../context.ts";

/** Deletes expired requests and broadcasts `node.pair.resolved` (expired) for each. */
function sweepExpired(s: GatewayServices): void {
  for (const expired of s.nodePairing.pruneExpired()) {
    s.broadcaster.broadcast("node.pair.resolved", { requestId: expired.requestId, nodeId: expired.nodeId, decision: "expired", ts: Date.now() });
  }
}

const unknownRequest = (requestId: string) => new GatewayError("INVALID_REQUEST", `unknown requestId: ${requestId}`);

/** Node pairing handlers. */
export const nodePairingMethods: MethodTable = {
  "node.pair.request": (params: NodePairRequestParams, { conn, services: s }): NodePairRequestResult => {
    sweepExpired(s);
    const { request, created } = s.nodePairing.request(params);
    s.broadcaster.broadcast("node.pair.requested", request);
    s.log.info(created ? "node pairing requested" : "node pairing request refreshed", { conn: conn.id, nodeId: request.nodeId });
    return { status: "pending", created, request };
  },

  "node.pair.list": (_params, { services: s }): NodePairListResult => {
    sweepExpired(s);
    return { pending: s.nodePairing.listPending(), paired: s.nodePairing.listPaired() };
  },

  "node.pair.approve": ({ requestId }: NodePairApproveParams, { conn, services: s }): NodePairApproveResult => {
    sweepExpired(s);
    const approved = s.nodePairing.approve(requestId);
    if (!approved) throw unknownRequest(requestId);
    const { node, token } = approved;
    s.broadcaster.broadcast("node.pair.resolved", { requestId, nodeId: node.nodeId, decision: "approved", ts: Date.now() });
    s.log.info("node pairing approved", { conn: conn.id, nodeId: node.nodeId });
    return { requestId, node: { ...node, token } };
  },

  "node.pair.reject": ({ requestId }: NodePairRejectParams, { conn, services: s }): NodePairRejectResult => {
    sweepExpired(s);
    const pending = s.nodePairing.reject(requestId);
    if (!pending) throw unknownRequest(requestId);
    s.broadcaster.broadcast("node.pair.resolved", { requestId, nodeId: pending.nodeId, decision: "rejected", ts: Date.now() });
    s.log.info("node pairing rejected", { conn: conn.id, nodeId: pending.nodeId });
    return { requestId, nodeId: pending.nodeId };
  },

  "node.pair.verify": ({ nodeId, token }: NodePairVerifyParams, { services: s }): NodePairVerifyResult => ({
    ok: s.nodePairing.verify(nodeId, token),
    nodeId,
  }),
};
