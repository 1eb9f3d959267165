/**
 * @module Channel DM pairing in SQLite (channels.md §2): pending pairing codes (8 characters of an
 * unambiguous alphabet, 1 h expiry, at most 3 pending per channel) and the senders approved from them.
 */
import type { Database } from "bun:sqlite";

/** The code alphabet: no `0 O 1 I`. */
export const PAIRING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/** Characters of a pairing code. */
export const PAIRING_CODE_LENGTH = 8;
/** How long a pending request lives. */
export const PAIRING_TTL_MS = 60 * 60 * 1000;
/** Pending requests per channel at most. */
export const PAIRING_MAX_PENDING = 3;

/** A pending pairing request. */
export interface PairingRequest {
  channel: string;
  accountId: string;
  senderId: string;
  senderName?: string;
  /** The DM chat to tell about the approval. */
  chatId?: string;
  code: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

/** What {@link ChannelPairingStore.request} did. */
export type PairingRequestResult =
  | { status: "created"; request: PairingRequest }
  | { status: "pending"; request: PairingRequest }
  | { status: "capped" };

/** A sender approved on a channel account. */
export interface ApprovedSender {
  channel: string;
  accountId: string;
  senderId: string;
}

interface Row {
  channel: string; account_id: string; sender_id: string; code: string; meta: string; created_at: number; last_seen_at: number;
}

/** A crypto-random pairing code. */
export function generatePairingCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(PAIRING_CODE_LENGTH));
  // 256 is a multiple of 32: no modulo bias.
  return Array.from(bytes, (b) => PAIRING_ALPHABET[b % PAIRING_ALPHABET.length]).join("");
}

/** Pairing requests and approvals over the gateway database; `now` is injectable for tests. */
export class ChannelPairingStore {
  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {}

  /**
   * Records that `senderId` asked for access: the same sender keeps its pending code; a new request is
   * refused (`capped`) while the channel has {@link PAIRING_MAX_PENDING} unexpired ones.
   */
  request(p: { channel: string; accountId: string; senderId: string; senderName?: string; chatId?: string }): PairingRequestResult {
    const now = this.now();
    this.prune(now);
    return this.db.transaction((): PairingRequestResult => {
      const existing = this.db.query<Row, [string, string, string]>(
        "SELECT * FROM channel_pairing_requests WHERE channel = ? AND account_id = ? AND sender_id = ?",
      ).get(p.channel, p.accountId, p.senderId);
      if (existing) {
        this.db.run("UPDATE channel_pairing_requests SET last_seen_at = ? WHERE channel = ? AND account_id = ? AND sender_id = ?",
          [now, p.channel, p.accountId, p.senderId]);
        return { status: "pending", request: toRequest({ ...existing, last_seen_at: now }) };
      }
      const pending = this.db.query<{ n: number }, [string]>("SELECT count(*) AS n FROM channel_pairing_requests WHERE channel = ?").get(p.channel);
      if ((pending?.n ?? 0) >= PAIRING_MAX_PENDING) return { status: "capped" };
      let code = generatePairingCode();
      while (this.db.query("SELECT 1 FROM channel_pairing_requests WHERE channel = ? AND code = ?").get(p.channel, code)) code = generatePairingCode();
      const meta = JSON.stringify({ ...(p.senderName && { senderName: p.senderName }), ...(p.chatId && { chatId: p.chatId }) });
      this.db.run(
        "INSERT INTO channel_pairing_requests (channel, account_id, sender_id, code, meta, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [p.channel, p.accountId, p.senderId, code, meta, now, now],
      );
      return { status: "created", request: toRequest({ channel: p.channel, account_id: p.accountId, sender_id: p.senderId, code, meta, created_at: now, last_seen_at: now }) };
    })();
  }

  /** Unexpired requests, oldest first, of one channel or of all. */
  list(channel?: string): PairingRequest[] {
    this.prune(this.now());
    const rows = channel === undefined
      ? this.db.query<Row, []>("SELECT * FROM channel_pairing_requests ORDER BY created_at, channel").all()
      : this.db.query<Row, [string]>("SELECT * FROM channel_pairing_requests WHERE channel = ? ORDER BY created_at").all(channel);
    return rows.map(toRequest);
  }

  /** Approves the pending request with `code` (case-insensitive) on `channel`; null when none matches. */
  approve(channel: string, code: string): PairingRequest | null {
    this.prune(this.now());
    return this.db.transaction(() => {
      const row = this.db.query<Row, [string, string]>("SELECT * FROM channel_pairing_requests WHERE channel = ? AND code = ?")
        .get(channel, code.trim().toUpperCase());
      if (!row) return null;
      this.db.run("DELETE FROM channel_pairing_requests WHERE channel = ? AND account_id = ? AND sender_id = ?", [row.channel, row.account_id, row.sender_id]);
      this.addApproved(row.channel, row.account_id, row.sender_id);
      return toRequest(row);
    })();
  }

  /** Adds a sender to the stored allowlist of a channel account. */
  addApproved(channel: string, accountId: string, senderId: string): void {
    this.db.run("INSERT OR REPLACE INTO channel_allow_from (channel, account_id, sender_id, approved_at) VALUES (?, ?, ?, ?)",
      [channel, accountId, senderId, this.now()]);
  }

  /** Whether `senderId` was approved on the channel account. */
  isApproved(channel: string, accountId: string, senderId: string): boolean {
    return this.db.query("SELECT 1 FROM channel_allow_from WHERE channel = ? AND account_id = ? AND sender_id = ?")
      .get(channel, accountId, senderId) !== null;
  }

  /** Every approved sender of a channel account. */
  approved(channel: string, accountId: string): string[] {
    return this.db.query<{ sender_id: string }, [string, string]>(
      "SELECT sender_id FROM channel_allow_from WHERE channel = ? AND account_id = ? ORDER BY approved_at",
    ).all(channel, accountId).map((r) => r.sender_id);
  }

  private prune(now: number): void {
    this.db.run("DELETE FROM channel_pairing_requests WHERE created_at <= ?", [now - PAIRING_TTL_MS]);
  }
}

function toRequest(row: Row): PairingRequest {
  const meta = JSON.parse(row.meta) as { senderName?: string; chatId?: string };
  return {
    channel: row.channel, accountId: row.account_id, senderId: row.sender_id,
    ...(meta.senderName && { senderName: meta.senderName }), ...(meta.chatId && { chatId: meta.chatId }),
    code: row.code, createdAt: row.created_at, lastSeenAt: row.last_seen_at, expiresAt: row.created_at + PAIRING_TTL_MS,
  };
}
