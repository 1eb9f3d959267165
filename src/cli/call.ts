/** @module `mayros call <method> --params JSON`: any gateway method, printing its response payload. */
import type { Command } from "commander";
import { CliError, ExitCode } from "./errors.ts";
import { printJson } from "./output.ts";
import { clientOptions, withClient } from "./with-client.ts";
import type { ClientFlags } from "./target.ts";

/** Registers `call`. */
export function registerCallCommand(program: Command): void {
  clientOptions(
    program
      .command("call")
      .description("call a gateway method and print the response payload as JSON")
      .argument("<method>", "method name, e.g. health or config.get")
      .option("--params <json>", "params as a JSON object", "{}"),
  ).action((method: string, flags: ClientFlags & { params: string }) => {
    const params = parseParams(flags.params);
    return withClient(flags, async (client) => printJson(await client.request(method, params)));
  });
}

/** Parses a `--params` JSON flag. @throws {CliError} exit 2 when it is not JSON. */
export function parseParams(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CliError(`--params: not valid JSON (${(err as Error).message})`, ExitCode.USAGE);
  }
}
