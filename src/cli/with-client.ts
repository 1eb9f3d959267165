/** @module Runs a CLI action against a connected gateway client, turning failures into readable CLI errors. */
import { resolvePaths } from "../config/index.ts";
import { loadOrCreateIdentity } from "../devices/client-identity.ts";
import { InsecureTransportError, isLoopbackHost } from "../tls/index.ts";
import { CliError, ExitCode } from "./errors.ts";
import { GatewayCallError, GatewayClient, type ClientOptions } from "./client.ts";
import type { EventFrame } from "../protocol/index.ts";
import { resolveTarget, type ClientFlags, type Target } from "./target.ts";

/**
 * Connects per `flags`, runs `action`, always closes.
 * @param onEvent receives every event after hello-ok (installed before `action` sends anything).
 */
export async function withClient<T>(flags: ClientFlags, action: (client: GatewayClient) => Promise<T>, onEvent?: (frame: EventFrame) => void): Promise<T> {
  const target: Target & { onEvent?: (frame: EventFrame) => void } = { ...resolveTarget(flags), ...(onEvent && { onEvent }) };
  // The CLI signs its connects with its own device identity and keeps the device tokens it is given.
  const { stateDir } = resolvePaths();
  let client: GatewayClient;
  try {
    client = await connectSigned(target, stateDir);
  } catch (err) {
    if (err instanceof InsecureTransportError) throw new CliError(err.message, ExitCode.USAGE);
    throw new CliError(err instanceof GatewayCallError ? `cannot connect to ${target.url}: ${err.error.message}` : (err as Error).message);
  }
  try {
    return await action(client);
  } catch (err) {
    if (err instanceof GatewayCallError) throw new CliError(err.message);
    throw err;
  } finally {
    client.close();
  }
}

/**
 * Connects with the CLI's device identity. On this host, with the shared secret, a device that still
 * waits for approval (`gateway.pairing.autoApproveLocal: false`) retries without identity: a local
 * device-less connect keeps its scopes anyway, and the owner needs the CLI to approve devices.
 */
async function connectSigned(target: Target & Pick<ClientOptions, "onEvent">, stateDir: string): Promise<GatewayClient> {
  try {
    return await GatewayClient.connect({ ...target, identity: loadOrCreateIdentity(stateDir), stateDir });
  } catch (err) {
    const local = isLoopbackHost(new URL(target.url).hostname);
    const sharedSecret = target.token !== undefined || target.password !== undefined;
    if (!(err instanceof GatewayCallError && err.error.code === "NOT_PAIRED" && local && sharedSecret)) throw err;
    return GatewayClient.connect(target);
  }
}

/** Adds the client flags to a commander command. */
export function clientOptions<C extends { option(flags: string, description: string): C }>(cmd: C): C {
  return cmd
    .option("--url <url>", "gateway WebSocket URL (default: the local gateway from config)")
    .option("--token <token>", "gateway token")
    .option("--password <password>", "gateway password")
    .option("--json", "print machine-readable JSON")
    .option("--timeout <ms>", "request timeout in milliseconds (default 10000)")
    .option("--tls-fingerprint <sha256>", "pin the gateway's TLS certificate (wss:// only)")
    .option("--insecure", "allow plaintext ws:// to a remote host, or an unverified wss:// certificate");
}
