/**
 * @module Legacy node pairing state in SQLite (`node.pair.*`, protocol.md §4.2): pending requests
 * (5 min TTL, one per node) and paired nodes with a token stored only as its SHA-256 hash. This
 * does not gate the WebSocket handshake; WS nodes pair as devices with role `node`.
 */
import type { Database } from "bun:sqlite";
import { constantTimeEqual, randomToken, sha256 } from "../crypto/primitives.ts";
import { PENDING_TTL_MS } from "../devices/pairing-store.ts";

/** How long a node pairing request waits for a decision (same as device pairing: 5 minutes). */
export const NODE_PENDING_TTL_MS = PENDING_TTL_MS;

/** What a node says about itself (claims, not verified). */
export interface NodeClaims {
  displayName?: string;
  platform?: string;
  version?: string;
  coreVersion?: string;
  uiVersion?: string;
  deviceFamily?: string;
  modelIdentifier?: string;
  caps?: string[];
  commands?: string[];
  remoteIp?: string;
}

/** A request to pair (or re-pair) a node. */
export interface NodePendingRequest extends NodeClaims {
  requestId: string;
  nodeId: string;
  silent: boolean;
  /** The node was already paired. */
  isRepair: boolean;
  ts: number;
}

/** What {@link NodePairingStore.request} takes. */
export interface NodePairInput extends NodeClaims {
  nodeId: string;
  silent?: boolean;
}

/** A paired node (its token is never stored, only its hash). */
export interface PairedNode extends NodeClaims {
  nodeId: string;
  createdAtMs: number;
  approvedAtMs: number;
}

type Row = Record<string, any>;

const CLAIM_KEYS = [
  "displayName", "platform", "version", "coreVersion", "uiVersion", "deviceFamily", "modelIdentifier", "caps", "commands", "remoteIp",
] as const satisfies readonly (keyof NodeClaims)[];

const hashToken = (token: string) => sha256(token);
/** Compared against when a node is unknown, so an unknown id costs the same as a wrong token. */
const NO_HASH = Buffer.alloc(32);

/** Only the claim fields of `input`, without undefined values (stored as JSON). */
function claimsOf(input: NodeClaims): NodeClaims {
  const claims: Record<string, unknown> = {};
  for (const key of CLAIM_KEYS) if (input[key] !== undefined) claims[key] = input[key];
  return claims as NodeClaims;
}

/**
 * SQLite-backed legacy node pairing store.
 * @example
 * const store = new NodePairingStore(openDatabase(":memory:"));
 * const { request } = store.request({ nodeId: "n1", displayName: "Kitchen iPad" });
 * const { token } = store.approve(request.requestId)!;
 * store.verify("n1", token); // true
 */
export class NodePairingStore {
  /** @param now clock in epoch ms; injectable for tests. @default Date.now */
  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {}

  /**
   * Deletes pending requests older than the TTL.
   * @returns the requests that expired (so callers can announce them).
   */
  pruneExpired(): NodePendingRequest[] {
    const cutoff = this.now() - NODE_PENDING_TTL_MS;
    const expired = this.db.query("SELECT * FROM node_pending WHERE created_at < ? ORDER BY created_at").all(cutoff).map((r) => toPending(r as Row));
    if (expired.length > 0) this.db.query("DELETE FROM node_pending WHERE created_at < ?").run(cutoff);
    return expired;
  }

  /** Pending requests that have not expired, oldest first (expired ones are deleted). */
  listPending(): NodePendingRequest[] {
    this.pruneExpired();
    return this.db.query("SELECT * FROM node_pending ORDER BY created_at").all().map((r) => toPending(r as Row));
  }

  /** A pending request by id, if not expired. */
  getPending(requestId: string): NodePendingRequest | undefined {
    return this.listPending().find((p) => p.requestId === requestId);
  }

  /**
   * Creates or refreshes the one pending request of a node (same requestId, new claims and timestamp).
   * @returns the request and whether it is new.
   */
  request(input: NodePairInput): { request: NodePendingRequest; created: boolean } {
    const existing = this.listPending().find((p) => p.nodeId === input.nodeId);
    const claims = claimsOf(input);
    const request: NodePendingRequest = {
      requestId: existing?.requestId ?? crypto.randomUUID(), nodeId: input.nodeId, ...claims,
      silent: input.silent === true, isRepair: this.getPaired(input.nodeId) !== undefined, ts: this.now(),
    };
    this.db.query(
      `INSERT INTO node_pending (request_id, node_id, meta, silent, is_repair, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
       ON CONFLICT(node_id) DO UPDATE SET request_id = ?1, meta = ?3, silent = ?4, is_repair = ?5, created_at = ?6`,
    ).run(request.requestId, request.nodeId, JSON.stringify(claims), request.silent ? 1 : 0, request.isRepair ? 1 : 0, request.ts);
    return { request, created: !existing };
  }

  /**
   * Approves a pending request: the node becomes paired with the request's claims and a fresh
   * token (every approval issues a new one; the previous token stops working).
   * @returns the paired node and its token (shown once), or undefined for an unknown or expired request.
   */
  approve(requestId: string): { node: PairedNode; token: string } | undefined {
    const pending = this.getPending(requestId);
    if (!pending) return undefined;
    return this.db.transaction(() => {
      const now = this.now();
      const token = randomToken(32);
      const node: PairedNode = { nodeId: pending.nodeId, ...claimsOf(pending), createdAtMs: this.getPaired(pending.nodeId)?.createdAtMs ?? now, approvedAtMs: now };
      this.db.query("INSERT OR REPLACE INTO paired_nodes (node_id, meta, token_hash, created_at, approved_at) VALUES (?, ?, ?, ?, ?)")
        .run(node.nodeId, JSON.stringify(claimsOf(node)), hashToken(token), node.createdAtMs, node.approvedAtMs);
      this.db.query("DELETE FROM node_pending WHERE request_id = ?").run(requestId);
      return { node, token };
    })();
  }

  /** Deletes a pending request. @returns the request, or undefined when there was none. */
  reject(requestId: string): NodePendingRequest | undefined {
    const pending = this.getPending(requestId);
    if (pending) this.db.query("DELETE FROM node_pending WHERE request_id = ?").run(requestId);
    return pending;
  }

  /** Every paired node, oldest first. */
  listPaired(): PairedNode[] {
    return this.db.query("SELECT * FROM paired_nodes ORDER BY created_at").all().map((r) => toPaired(r as Row));
  }

  /** A paired node by id. */
  getPaired(nodeId: string): PairedNode | undefined {
    const row = this.db.query("SELECT * FROM paired_nodes WHERE node_id = ?").get(nodeId) as Row | null;
    return row ? toPaired(row) : undefined;
  }

  /** Checks a node token in constant time (an unknown node costs the same as a wrong token). */
  verify(nodeId: string, token: string): boolean {
    const row = this.db.query("SELECT token_hash FROM paired_nodes WHERE node_id = ?").get(nodeId) as Row | null;
    const stored = row ? Buffer.from(row.token_hash as Uint8Array) : NO_HASH;
    return constantTimeEqual(hashToken(token), stored) && row !== null;
  }

  /** Sets a paired node's display name. @returns the updated node, or undefined when it is not paired. */
  rename(nodeId: string, displayName: string): PairedNode | undefined {
    const node = this.getPaired(nodeId);
    if (!node) return undefined;
    const renamed = { ...node, displayName };
    this.db.query("UPDATE paired_nodes SET meta = ? WHERE node_id = ?").run(JSON.stringify(claimsOf(renamed)), nodeId);
    return renamed;
  }
}

function toPending(r: Row): NodePendingRequest {
  return {
    requestId: r.request_id, nodeId: r.node_id, ...(JSON.parse(r.meta) as NodeClaims),
    silent: r.silent === 1, isRepair: r.is_repair === 1, ts: r.created_at,
  };
}

function toPaired(r: Row): PairedNode {
  return { nodeId: r.node_id, ...(JSON.parse(r.meta) as NodeClaims), createdAtMs: r.created_at, approvedAtMs: r.approved_at };
}
