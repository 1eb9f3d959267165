/**
 * @module The start-up fast path of `mayros gateway`: its few flags parsed with `node:util` `parseArgs` instead of
 * building the commander program, so the gateway process loads no CLI framework (start-up time and idle memory).
 * `mayros gateway --help` still goes through the full program.
 */
import { parseArgs } from "node:util";
import { CliError, ExitCode } from "./errors.ts";
import { GATEWAY_FLAGS, runGateway, type GatewayFlags } from "./gateway.ts";

/** Runs `mayros gateway <args>`; resolves with the exit code. */
export async function runGatewayFast(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args, strict: true, allowPositionals: false,
      options: Object.fromEntries(Object.entries(GATEWAY_FLAGS).map(([name, { value }]) => [name, { type: value ? "string" : "boolean" } as const])),
    }));
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message}\n(run with --help for usage)\n`);
    return ExitCode.USAGE;
  }
  try {
    await runGateway(values as GatewayFlags);
    return ExitCode.OK;
  } catch (err) {
    process.stderr.write(`error: ${(err as Error).message ?? String(err)}\n`);
    return err instanceof CliError ? err.exitCode : ExitCode.FAILURE;
  }
}
