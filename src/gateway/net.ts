/** @module Address helpers: loopback detection and resolving `--bind` to a listen host. */
import { networkInterfaces } from "node:os";

/** True for 127.0.0.0/8, ::1 and their IPv4-mapped forms. */
export function isLoopbackAddress(address: string): boolean {
  const a = address.startsWith("::ffff:") ? address.slice(7) : address;
  return a === "::1" || a.startsWith("127.") || a === "localhost";
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
