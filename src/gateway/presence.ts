/** @module The presence list: the gateway's own row plus one per connected client, with a version counter. */
import { hostname, platform, release } from "node:os";
import type { PresenceEntry } from "../protocol/index.ts";
import type { Connection } from "./connection.ts";

/** Client modes that get no presence row (protocol-v4.md §1). */
const UNTRACKED_MODES = new Set(["cli", "probe", "backend"]);

/** Presence rows keyed by device id, else instance id, else connection id. */
export class PresenceRegistry {
  private readonly rows = new Map<string, PresenceEntry>();
  /** Bumped on every change; sent as `stateVersion.presence`. */
  version = 0;

  constructor(version: string, bootId: string) {
    const host = hostname();
    this.rows.set(`gateway:${bootId}`, {
      host, version, platform: `${platform()} ${release()}`, mode: "gateway", reason: "self",
      instanceId: bootId, text: `Gateway: ${host} · app ${version} · mode gateway`, ts: Date.now(),
    });
  }

  /** Every row, gateway first. */
  list(): PresenceEntry[] {
    return [...this.rows.values()];
  }

  /** Adds or refreshes the row of a connection that finished its handshake; false when untracked. */
  connected(conn: Connection): boolean {
    const id = conn.identity;
    if (!id || UNTRACKED_MODES.has(id.client.mode)) return false;
    const now = Date.now();
    const c = id.client;
    this.rows.set(presenceKey(conn), {
      host: c.displayName ?? c.id, ip: conn.remoteAddress, version: c.version, platform: c.platform,
      ...(c.deviceFamily && { deviceFamily: c.deviceFamily }),
      ...(c.modelIdentifier && { modelIdentifier: c.modelIdentifier }),
      ...(c.instanceId && { instanceId: c.instanceId }),
      ...(id.deviceId && { deviceId: id.deviceId }),
      mode: c.mode, clientId: c.id, roles: [id.role], scopes: [...id.scopes], reason: "connect",
      text: `${id.role === "node" ? "Node" : "Client"}: ${c.displayName ?? c.id} · mode ${c.mode}`,
      onlineSince: now, ts: now,
    });
    this.version++;
    return true;
  }

  /** Removes a connection's row; false when it had none. */
  disconnected(conn: Connection): boolean {
    if (!conn.identity || !this.rows.delete(presenceKey(conn))) return false;
    this.version++;
    return true;
  }

  /** Merges fields reported by `system-event` into the row with that key (or creates it). */
  report(key: string, fields: Partial<PresenceEntry>): void {
    const now = Date.now();
    const row = this.rows.get(key);
    this.rows.set(key, { ...row, ...fields, ts: now, lastActivityAt: now });
    this.version++;
  }
}

/** The presence key of a connection. */
export function presenceKey(conn: Connection): string {
  const id = conn.identity;
  return id?.deviceId ?? id?.client.instanceId ?? conn.id;
}
