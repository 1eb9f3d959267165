/** @module Runs a CLI action against a connected gateway client, turning failures into readable CLI errors. */
import { CliError } from "./errors.ts";
import { GatewayCallError, GatewayClient } from "./client.ts";
import { resolveTarget, type ClientFlags } from "./target.ts";

/** Connects per `flags`, runs `action`, always closes. */
export async function withClient<T>(flags: ClientFlags, action: (client: GatewayClient) => Promise<T>): Promise<T> {
  const target = resolveTarget(flags);
  let client: GatewayClient;
  try {
    client = await GatewayClient.connect(target);
  } catch (err) {
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

/** Adds the client flags to a commander command. */
export function clientOptions<C extends { option(flags: string, description: string): C }>(cmd: C): C {
  return cmd
    .option("--url <url>", "gateway WebSocket URL (default: the local gateway from config)")
    .option("--token <token>", "gateway token")
    .option("--password <password>", "gateway password")
    .option("--json", "print machine-readable JSON")
    .option("--timeout <ms>", "request timeout in milliseconds (default 10000)");
}
