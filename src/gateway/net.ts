/** @module Address helpers: loopback detection and resolving `--bind` to a listen host. */
import { networkInterfaces } from "node:os";

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms (addresses, not host names). */
export function isLoopbackAddress(address: string): boolean {
  const a = stripMapped(address);
  return a === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** The first Tailscale (100.64.0.0/10) IPv4 address of this host, if any. */
function tailnetAddress(): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) {
      if (info.family !== "IPv4") continue;
      const [a, b] = info.address.split(".").map(Number);
      if (a === 100 && b !== undefined && b >= 64 && b < 128) return info.address;
    }
  }
  return undefined;
}

/**
 * Resolves a bind mode to the host to listen on.
 * @param bind `loopback` | `lan` | `tailnet` | `auto` | a host name or IP.
 * @throws {Error} for `tailnet` when the host has no Tailscale address.
 */
export function resolveBindHost(bind: string): string {
  switch (bind) {
    case "loopback":
    case "auto":
      return "127.0.0.1";
    case "lan":
      return "0.0.0.0";
    case "tailnet": {
      const address = tailnetAddress();
      if (!address) throw new Error("--bind tailnet: this host has no Tailscale (100.64.0.0/10) address");
      return address;
    }
    default:
      return bind;
  }
}

/** Where a request really comes from. */
export interface ClientOrigin {
  /** The client's address: the forwarded one when a trusted proxy forwarded it. */
  address: string;
  isLoopback: boolean;
  /** Loopback or this host's own tailnet address, with no proxy headers from an untrusted source. */
  isLocal: boolean;
}

const PROXY_HEADERS = ["x-forwarded-for", "x-real-ip", "forwarded"];

/**
 * Resolves the client behind a request. Proxy headers count only from `trustedProxies`; from
 * anyone else they make the request non-local (a proxy on this host must not turn remote users local).
 */
export function clientOrigin(remote: string, headers: Headers, trustedProxies: readonly string[]): ClientOrigin {
  const forwarded = headers.get("x-forwarded-for");
  const hasProxyHeaders = PROXY_HEADERS.some((h) => headers.has(h));
  if (!hasProxyHeaders) {
    const isLoopback = isLoopbackAddress(remote);
    return { address: remote, isLoopback, isLocal: isLoopback || remote === tailnetAddress() };
  }
  if (!trustedProxies.includes(stripMapped(remote)) || !forwarded) return { address: remote, isLoopback: false, isLocal: false };
  // The nearest address that is not one of our proxies is the client.
  const hops = forwarded.split(",").map((h) => h.trim()).filter(Boolean);
  const client = [...hops].reverse().find((h) => !trustedProxies.includes(h)) ?? hops[0] ?? remote;
  const isLoopback = isLoopbackAddress(client);
  return { address: client, isLoopback, isLocal: isLoopback };
}

function stripMapped(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
