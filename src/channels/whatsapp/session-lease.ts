/**
 * @module The one-session-per-host guard of WhatsApp (channels.md §6 Decision 4): before opening the Baileys
 * socket the adapter takes a lease row in `channel_auth` naming its pid and host, refreshed while it runs.
 * Another process finds it and refuses while the holder lives (same host: the pid exists; any host: the lease
 * was refreshed within {@link LEASE_STALE_MS}). The gateway lock already keeps a second gateway off the same
 * state dir; this also stops any other process (a second gateway started with the lock bypassed, a tool
 * opening the database) from opening the same linked device and making WhatsApp drop both (close code 440).
 */
import { hostname } from "node:os";
import type { ChannelAuthStore } from "../auth-store.ts";

/** A lease not refreshed for this long is free, whoever wrote it. */
export const LEASE_STALE_MS = 90_000;
/** How often the holder refreshes its lease. */
export const LEASE_REFRESH_MS = 30_000;

/** The `channel_auth` kind of the lease row (kept when the login state is wiped). */
export const LEASE_KIND = "lease";
const KEY = "session";

/** Who holds the session. */
export interface LeaseHolder {
  pid: number;
  host: string;
  since: number;
}

/** Result of {@link acquireSessionLease}. */
export type LeaseResult = { ok: true; release(): void } | { ok: false; holder: LeaseHolder };

/** Options of {@link acquireSessionLease} (injectable for tests). */
export interface LeaseOptions {
  pid?: number;
  host?: string;
  now?: () => number;
  /** Whether a pid on this host still runs. */
  isAlive?: (pid: number) => boolean;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes (or refuses) the session lease of one WhatsApp account; the holder refreshes it until `release()`. */
export function acquireSessionLease(store: ChannelAuthStore, { pid = process.pid, host = hostname(), now = Date.now, isAlive = pidAlive }: LeaseOptions = {}): LeaseResult {
  const mine: LeaseHolder = { pid, host, since: now() };
  let holder: LeaseHolder | undefined;
  store.update(LEASE_KIND, KEY, (current) => {
    if (current) {
      const other = JSON.parse(current.value) as LeaseHolder;
      const self = other.pid === pid && other.host === host;
      const fresh = now() - current.updatedAt < LEASE_STALE_MS;
      const alive = other.host === host ? isAlive(other.pid) : fresh;
      if (!self && alive && fresh) {
        holder = other;
        return undefined;
      }
    }
    return JSON.stringify(mine);
  });
  if (holder) return { ok: false, holder };
  const refresh = setInterval(() => {
    store.update(LEASE_KIND, KEY, (current) => (current && isMine(current.value) ? current.value : undefined));
  }, LEASE_REFRESH_MS);
  refresh.unref?.();
  const isMine = (value: string) => {
    const h = JSON.parse(value) as LeaseHolder;
    return h.pid === pid && h.host === host;
  };
  return {
    ok: true,
    release() {
      clearInterval(refresh);
      store.update(LEASE_KIND, KEY, (current) => (current && isMine(current.value) ? null : undefined));
    },
  };
}
