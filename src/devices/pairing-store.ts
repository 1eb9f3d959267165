/**
 * @module Device pairing state in SQLite: pending requests (5 min TTL, one per device), paired
 * devices with their roles and approved scopes, and per-role device tokens stored only as hashes.
 */
import type { Database } from "bun:sqlite";
import { constantTimeEqual, randomToken, sha256 } from "../crypto/primitives.ts";
import { scopesCover } from "../protocol/index.ts";

/** How long a pairing request waits for a decision. */
export const PENDING_TTL_MS = 5 * 60_000;

/** A request to pair (or re-pair) a device. */
export interface PendingRequest {
  requestId: string;
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: string[];
  remoteIp: string;
  silent: boolean;
  isRepair: boolean;
  ts: number;
}

/** A paired device. */
export interface PairedDevice {
  deviceId: string;
  publicKey: string;
  displayName?: string;
  platform?: string;
  deviceFamily?: string;
  clientId: string;
  clientMode: string;
  roles: string[];
  approvedScopes: string[];
  remoteIp: string;
  createdAtMs: number;
  approvedAtMs: number;
}

/** A device token's metadata (the token itself is never stored). */
export interface TokenInfo {
  deviceId: string;
  role: string;
  scopes: string[];
  createdAtMs: number;
  rotatedAtMs?: number;
  revokedAtMs?: number;
  lastUsedAtMs?: number;
}

/** A freshly minted token: shown to the client once. */
export interface IssuedToken extends TokenInfo {
  token: string;
}

const hashToken = (token: string) => sha256(token);

type Row = Record<string, any>;
const json = (v: unknown) => JSON.stringify(v);
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** SQLite-backed pairing store. */
export class PairingStore {
  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {}

  /** Pending requests that have not expired (expired ones are deleted). */
  listPending(): PendingRequest[] {
    this.db.query("DELETE FROM device_pending WHERE created_at < ?").run(this.now() - PENDING_TTL_MS);
    return this.db.query("SELECT * FROM device_pending ORDER BY created_at").all().map((r) => toPending(r as Row));
  }

  /** A pending request by id, if not expired. */
  getPending(requestId: string): PendingRequest | undefined {
    return this.listPending().find((p) => p.requestId === requestId);
  }

  /**
   * Creates or refreshes the one pending request of a device.
   * @returns the request and whether it is new.
   */
  request(input: Omit<PendingRequest, "requestId" | "ts">): { request: PendingRequest; created: boolean } {
    const existing = this.listPending().find((p) => p.deviceId === input.deviceId);
    const request: PendingRequest = { ...input, requestId: existing?.requestId ?? crypto.randomUUID(), ts: this.now() };
    this.db.query(
      `INSERT INTO device_pending (request_id, device_id, public_key, display_name, platform, device_family, client_id, client_mode, role, scopes, remote_ip, silent, is_repair, created_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
       ON CONFLICT(device_id) DO UPDATE SET request_id = ?1, public_key = ?3, display_name = ?4, platform = ?5, device_family = ?6,
         client_id = ?7, client_mode = ?8, role = ?9, scopes = ?10, remote_ip = ?11, silent = ?12, is_repair = ?13, created_at = ?14`,
    ).run(
      request.requestId, request.deviceId, request.publicKey, request.displayName ?? null, request.platform ?? null,
      request.deviceFamily ?? null, request.clientId, request.clientMode, request.role, json(request.scopes),
      request.remoteIp, request.silent ? 1 : 0, request.isRepair ? 1 : 0, request.ts,
    );
    return { request, created: !existing };
  }

  /**
   * Approves a pending request: merges roles and scopes into the paired record, in one transaction.
   * No token is minted here: tokens are stored hashed, so the device gets one on its next connect
   * ({@link ensureToken}).
   */
  approve(requestId: string): PairedDevice | undefined {
    const pending = this.getPending(requestId);
    if (!pending) return undefined;
    return this.db.transaction(() => {
      const now = this.now();
      const prior = this.getDevice(pending.deviceId);
      const keep = prior && prior.publicKey === pending.publicKey ? prior : undefined;
      const device: PairedDevice = {
        deviceId: pending.deviceId, publicKey: pending.publicKey, displayName: pending.displayName, platform: pending.platform,
        deviceFamily: pending.deviceFamily, clientId: pending.clientId, clientMode: pending.clientMode,
        roles: union(keep?.roles ?? [], [pending.role]), approvedScopes: union(keep?.approvedScopes ?? [], pending.scopes),
        remoteIp: pending.remoteIp, createdAtMs: keep?.createdAtMs ?? now, approvedAtMs: now,
      };
      if (!keep) this.db.query("DELETE FROM device_tokens WHERE device_id = ?").run(device.deviceId);
      // An upsert, not INSERT OR REPLACE: a replace deletes the row and would cascade to the tokens.
      this.db.query(
        `INSERT INTO devices (device_id, public_key, display_name, platform, device_family, client_id, client_mode, roles, approved_scopes, remote_ip, created_at, approved_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT(device_id) DO UPDATE SET public_key = ?2, display_name = ?3, platform = ?4, device_family = ?5, client_id = ?6,
           client_mode = ?7, roles = ?8, approved_scopes = ?9, remote_ip = ?10, created_at = ?11, approved_at = ?12`,
      ).run(device.deviceId, device.publicKey, device.displayName ?? null, device.platform ?? null, device.deviceFamily ?? null,
        device.clientId, device.clientMode, json(device.roles), json(device.approvedScopes), device.remoteIp, device.createdAtMs, device.approvedAtMs);
      this.db.query("DELETE FROM device_pending WHERE request_id = ?").run(requestId);
      return device;
    })();
  }

  /** Deletes a pending request; false when there was none. */
  reject(requestId: string): PendingRequest | undefined {
    const pending = this.getPending(requestId);
    if (pending) this.db.query("DELETE FROM device_pending WHERE request_id = ?").run(requestId);
    return pending;
  }

  /** Every paired device, oldest first. */
  listDevices(): PairedDevice[] {
    return this.db.query("SELECT * FROM devices ORDER BY created_at").all().map((r) => toDevice(r as Row));
  }

  /** A paired device by id. */
  getDevice(deviceId: string): PairedDevice | undefined {
    const row = this.db.query("SELECT * FROM devices WHERE device_id = ?").get(deviceId) as Row | null;
    return row ? toDevice(row) : undefined;
  }

  /** Sets a paired device's display name; false when it is not paired. */
  rename(deviceId: string, displayName: string): boolean {
    return this.db.query("UPDATE devices SET display_name = ? WHERE device_id = ?").run(displayName, deviceId).changes > 0;
  }

  /** Removes a paired device and its tokens. */
  removeDevice(deviceId: string): boolean {
    return this.db.transaction(() => {
      this.db.query("DELETE FROM device_tokens WHERE device_id = ?").run(deviceId);
      return this.db.query("DELETE FROM devices WHERE device_id = ?").run(deviceId).changes > 0;
    })();
  }

  /** Token metadata of a device. */
  listTokens(deviceId: string): TokenInfo[] {
    return this.db.query("SELECT * FROM device_tokens WHERE device_id = ? ORDER BY role").all(deviceId).map((r) => toToken(r as Row));
  }

  /**
   * Mints a token for (device, role) unless an unrevoked one covering `scopes` exists.
   * @returns the new token, or undefined when the device already holds a usable one.
   */
  ensureToken(deviceId: string, role: string, scopes: string[]): IssuedToken | undefined {
    const current = this.listTokens(deviceId).find((t) => t.role === role);
    if (current && current.revokedAtMs === undefined && scopesCover(current.scopes, scopes)) return undefined;
    return this.mint(deviceId, role, scopes, current !== undefined);
  }

  /** Mints a new token for (device, role), replacing any previous one. */
  rotate(deviceId: string, role: string, scopes?: string[]): IssuedToken | undefined {
    const device = this.getDevice(deviceId);
    if (!device || !device.roles.includes(role)) return undefined;
    const current = this.listTokens(deviceId).find((t) => t.role === role);
    return this.mint(deviceId, role, scopes ?? current?.scopes ?? device.approvedScopes, current !== undefined);
  }

  /** Marks the token of (device, role) revoked. */
  revoke(deviceId: string, role: string): boolean {
    return this.db.query("UPDATE device_tokens SET revoked_at = ? WHERE device_id = ? AND role = ? AND revoked_at IS NULL")
      .run(this.now(), deviceId, role).changes > 0;
  }

  /**
   * Checks a presented device token in constant time; updates `lastUsedAt` on success.
   * @returns the token's metadata when valid, unrevoked and covering `scopes`.
   */
  verifyToken(deviceId: string, role: string, token: string, scopes: readonly string[]): TokenInfo | undefined {
    const row = this.db.query("SELECT * FROM device_tokens WHERE device_id = ? AND role = ?").get(deviceId, role) as Row | null;
    if (!row || row.revoked_at !== null) return undefined;
    if (!constantTimeEqual(hashToken(token), row.token_hash as Uint8Array)) return undefined;
    const info = toToken(row);
    if (!scopesCover(info.scopes, scopes)) return undefined;
    this.db.query("UPDATE device_tokens SET last_used_at = ? WHERE device_id = ? AND role = ?").run(this.now(), deviceId, role);
    return info;
  }

  private mint(deviceId: string, role: string, scopes: string[], rotated: boolean): IssuedToken {
    const now = this.now();
    const token = randomToken(32);
    const prior = this.db.query("SELECT created_at FROM device_tokens WHERE device_id = ? AND role = ?").get(deviceId, role) as Row | null;
    const createdAt = (prior?.created_at as number | undefined) ?? now;
    this.db.query(
      `INSERT OR REPLACE INTO device_tokens (device_id, role, token_hash, scopes, created_at, rotated_at, revoked_at, last_used_at)
       VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)`,
    ).run(deviceId, role, hashToken(token), json(scopes), createdAt, rotated ? now : null);
    return { token, deviceId, role, scopes, createdAtMs: createdAt, ...(rotated && { rotatedAtMs: now }) };
  }
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}

function toPending(r: Row): PendingRequest {
  return {
    requestId: r.request_id, deviceId: r.device_id, publicKey: r.public_key, displayName: opt(r.display_name), platform: opt(r.platform),
    deviceFamily: opt(r.device_family), clientId: r.client_id, clientMode: r.client_mode, role: r.role, scopes: JSON.parse(r.scopes),
    remoteIp: r.remote_ip, silent: r.silent === 1, isRepair: r.is_repair === 1, ts: r.created_at,
  };
}

function toDevice(r: Row): PairedDevice {
  return {
    deviceId: r.device_id, publicKey: r.public_key, displayName: opt(r.display_name), platform: opt(r.platform), deviceFamily: opt(r.device_family),
    clientId: r.client_id, clientMode: r.client_mode, roles: JSON.parse(r.roles), approvedScopes: JSON.parse(r.approved_scopes),
    remoteIp: r.remote_ip, createdAtMs: r.created_at, approvedAtMs: r.approved_at,
  };
}

function toToken(r: Row): TokenInfo {
  return {
    deviceId: r.device_id, role: r.role, scopes: JSON.parse(r.scopes), createdAtMs: r.created_at,
    rotatedAtMs: opt(r.rotated_at), revokedAtMs: opt(r.revoked_at), lastUsedAtMs: opt(r.last_used_at),
  };
}
