/** @module `mayros token`: prints the local gateway's token (from flags, env, config or the one generated at first start). */
import type { Command } from "commander";
import { CliError } from "./errors.ts";
import { printJson, printLines } from "./output.ts";
import { localCredentials } from "./target.ts";

/** Registers `token`. */
export function registerTokenCommand(program: Command): void {
  program
    .command("token")
    .description("print the local gateway's auth token")
    .option("--json", "print machine-readable JSON")
    .action((flags: { json?: boolean }) => {
      const { token } = localCredentials();
      if (!token) throw new CliError("no gateway token yet: start the gateway once (`mayros gateway`) to generate one, or set MAYROS_GATEWAY_TOKEN");
      if (flags.json) printJson({ token });
      else printLines(token);
    });
}
