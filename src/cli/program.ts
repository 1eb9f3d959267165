/** @module The `mayros` command line: one program, one file per command group. */
import { Command, CommanderError } from "commander";
import { VERSION, COMMIT } from "../version.ts";
import { registerCallCommand } from "./call.ts";
import { registerDevicesCommand } from "./devices.ts";
import { CliError, ExitCode } from "./errors.ts";
import { registerGatewayCommand } from "./gateway.ts";
import { registerHealthCommand } from "./health.ts";
import { registerNodeCommand } from "./node.ts";
import { registerNodesCommand } from "./nodes.ts";
import { registerProtocolCommand } from "./protocol.ts";
import { registerStatusCommand } from "./status.ts";
import { registerTokenCommand } from "./token.ts";

/** Builds the program (commands are registered, nothing runs). */
export function buildProgram(): Command {
  const program = new Command("mayros")
    .description("Mayros: your personal AI assistant gateway")
    .version(`${VERSION} (${COMMIT})`, "-v, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerGatewayCommand(program);
  registerHealthCommand(program);
  registerStatusCommand(program);
  registerCallCommand(program);
  registerTokenCommand(program);
  registerProtocolCommand(program);
  registerNodeCommand(program);
  registerDevicesCommand(program);
  registerNodesCommand(program);
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/**
 * Runs the CLI with `args` (without the executable and script).
 * @returns the exit code: 0 ok, 1 failure, 2 usage or configuration error.
 */
export async function runCli(args: string[]): Promise<number> {
  const program = buildProgram();
  if (args.length === 0) {
    program.outputHelp();
    return ExitCode.USAGE;
  }
  try {
    await program.parseAsync(args, { from: "user" });
    return ExitCode.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      const benign = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(err.code);
      return benign ? ExitCode.OK : ExitCode.USAGE;
    }
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(`error: ${(err as Error).message ?? String(err)}\n`);
    return ExitCode.FAILURE;
  }
}
