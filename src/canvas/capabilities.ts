/**
 * @module Canvas capabilities: short-lived bearer tokens minted per node, which stand in for gateway
 * auth on the `/__mayros__/cap/<cap>/…` URLs a node's webview loads.
 */
import { randomToken } from "../crypto/primitives.ts";

/** How long a capability stays valid: 10 minutes. */
export const CAPABILITY_TTL_MS = 10 * 60_000;
/** Random bytes per capability (base64url-encoded to 24 characters). */
export const CAPABILITY_BYTES = 18;

/** Options of {@link CapabilityStore}. */
export interface CapabilityStoreOptions {
  /** Lifetime of a capability in ms. @default CAPABILITY_TTL_MS (10 min) */
  ttlMs?: number;
  /** Clock in epoch ms; injectable for tests. @default Date.now */
  now?: () => number;
  /**
   * Live capabilities kept per node; minting beyond this drops that node's oldest, so a node
   * refreshing in a loop cannot grow the store without bound. @default 8
   */
  maxPerNode?: number;
}

interface Entry {
  nodeId: string;
  expiresAtMs: number;
}

/**
 * In-memory store of canvas capabilities (they do not survive a gateway restart; nodes
 * reconnect and get new ones).
 * @example
 * const caps = new CapabilityStore();
 * const cap = caps.mint("node-1");
 * caps.verify(cap); // "node-1" for the next 10 minutes
 */
export class CapabilityStore {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxPerNode: number;

  /** @throws {Error} when `ttlMs` or `maxPerNode` is not a positive number. */
  constructor({ ttlMs = CAPABILITY_TTL_MS, now = Date.now, maxPerNode = 8 }: CapabilityStoreOptions = {}) {
    if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) throw new Error(`CapabilityStore: ttlMs must be a positive number, got ${ttlMs}`);
    if (!(maxPerNode >= 1) || !Number.isInteger(maxPerNode)) {
      throw new Error(`CapabilityStore: maxPerNode must be a positive integer, got ${maxPerNode}`);
    }
    this.ttlMs = ttlMs;
    this.now = now;
    this.maxPerNode = maxPerNode;
  }

  /**
   * Mints a new capability for `nodeId`, valid for the TTL.
   * @returns 18 random bytes, base64url (24 characters, URL-safe without escaping).
   */
  mint(nodeId: string): string {
    this.prune();
    const held = [...this.entries].filter(([, entry]) => entry.nodeId === nodeId);
    // Map iteration is insertion order, so the first ones are the oldest.
    for (const [cap] of held.slice(0, Math.max(0, held.length - this.maxPerNode + 1))) this.entries.delete(cap);
    const cap = randomToken(CAPABILITY_BYTES);
    this.entries.set(cap, { nodeId, expiresAtMs: this.now() + this.ttlMs });
    return cap;
  }

  /**
   * Renews a capability that is still valid by minting a fresh one for the same node (full TTL).
   * The old one is not cut short: a page already loaded with it keeps working until it lapses.
   * @returns the new capability, or null when `cap` is unknown or expired (the node must get a
   *   new one through its authenticated connection, i.e. {@link mint}).
   */
  refresh(cap: string): string | null {
    const nodeId = this.verify(cap);
    return nodeId === null ? null : this.mint(nodeId);
  }

  /**
   * Checks a capability.
   * @returns the node it was minted for, or null when unknown or expired.
   */
  verify(cap: string): string | null {
    const entry = this.entries.get(cap);
    if (!entry) return null;
    if (entry.expiresAtMs <= this.now()) {
      this.entries.delete(cap);
      return null;
    }
    return entry.nodeId;
  }

  /** Expiry (epoch ms) of a valid capability, or null. */
  expiresAt(cap: string): number | null {
    return this.verify(cap) === null ? null : (this.entries.get(cap)?.expiresAtMs ?? null);
  }

  /** Revokes one capability. @returns whether it existed. */
  revoke(cap: string): boolean {
    return this.entries.delete(cap);
  }

  /** Revokes every capability of a node (call on disconnect or unpairing). @returns how many. */
  revokeNode(nodeId: string): number {
    let removed = 0;
    for (const [cap, entry] of this.entries) {
      if (entry.nodeId === nodeId) {
        this.entries.delete(cap);
        removed++;
      }
    }
    return removed;
  }

  /** Drops expired capabilities (also done on every mint). @returns how many. */
  prune(): number {
    const now = this.now();
    let removed = 0;
    for (const [cap, entry] of this.entries) {
      if (entry.expiresAtMs <= now) {
        this.entries.delete(cap);
        removed++;
      }
    }
    return removed;
  }

  /** Number of stored (possibly expired, not yet pruned) capabilities. */
  get size(): number {
    return this.entries.size;
  }
}
