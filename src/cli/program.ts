/**
 * @module The `mayros` command line: one program, one file per command group. Only the group named
 * on the command line is loaded (all of them for top-level help), so `mayros gateway` never loads
 * client-side code.
 */
import { Command, CommanderError } from "commander";
import { VERSION, COMMIT } from "../version.ts";
import { CliError, ExitCode } from "./errors.ts";

type Register = (program: Command) => void;

/** Command groups by name, each loaded on demand. */
const GROUPS: Record<string, () => Promise<Register>> = {
  gateway: async () => (await import("./gateway.ts")).registerGatewayCommand,
  health: async () => (await import("./health.ts")).registerHealthCommand,
  status: async () => (await import("./status.ts")).registerStatusCommand,
  call: async () => (await import("./call.ts")).registerCallCommand,
  token: async () => (await import("./token.ts")).registerTokenCommand,
  protocol: async () => (await import("./protocol.ts")).registerProtocolCommand,
  node: async () => (await import("./node.ts")).registerNodeCommand,
  devices: async () => (await import("./devices.ts")).registerDevicesCommand,
  nodes: async () => (await import("./nodes.ts")).registerNodesCommand,
  agent: async () => (await import("./agent.ts")).registerAgentCommand,
  sessions: async () => (await import("./sessions.ts")).registerSessionsCommand,
  models: async () => (await import("./models.ts")).registerModelsCommand,
  cron: async () => (await import("./cron.ts")).registerCronCommand,
  channels: async () => (await import("./channels.ts")).registerChannelsCommand,
  pairing: async () => (await import("./pairing.ts")).registerPairingCommand,
  plugins: async () => (await import("./plugins.ts")).registerPluginsCommand,
  config: async () => (await import("./config.ts")).registerConfigCommand,
  service: async () => (await import("./service.ts")).registerServiceCommand,
  doctor: async () => (await import("./doctor.ts")).registerDoctorCommand,
  onboard: async () => (await import("./onboard.ts")).registerOnboardCommand,
};

/**
 * Builds the program with the command groups `args` needs (commands are registered, nothing runs).
 * @param args the command line; its first word picks the group, anything else loads every group.
 */
export async function buildProgram(args: readonly string[] = []): Promise<Command> {
  const program = new Command("mayros")
    .description("Mayros: your personal AI assistant gateway")
    .version(`${VERSION} (${COMMIT})`, "-v, --version", "print the version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  const first = args[0];
  const names = first !== undefined && first in GROUPS ? [first] : Object.keys(GROUPS);
  for (const register of await Promise.all(names.map((n) => GROUPS[n]!()))) register(program);
  // A first word that is no built-in command may be a plugin's.
  if (first !== undefined && !first.startsWith("-") && !(first in GROUPS) && first !== "help") {
    await (await import("./plugin-commands.ts")).registerPluginCommands(program);
  }
  for (const cmd of program.commands) cmd.exitOverride();
  return program;
}

/**
 * Runs the CLI with `args` (without the executable and script).
 * @returns the exit code: 0 ok, 1 failure, 2 usage or configuration error.
 */
export async function runCli(args: string[]): Promise<number> {
  const program = await buildProgram(args);
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
