/**
 * @module `mayros service install|uninstall|status|start|stop|restart|logs`: the gateway as a systemd
 * user service (Linux) or a launchd agent (macOS), running this executable's own `gateway` command.
 */
import type { Command } from "commander";
import { homedir, userInfo } from "node:os";
import { resolvePaths } from "../config/index.ts";
import { CliError, ExitCode } from "./errors.ts";
import { printJson, printLines } from "./output.ts";
import type { ServiceAction } from "./service-backends.ts";
import { describeStep, runServiceAction, serviceLogs, serviceStatus, spawnRunner, type ActionResult, type ServiceContext } from "./service-manager.ts";
import { selfCommand } from "./service-self.ts";

interface ActionFlags {
  dryRun?: boolean;
  json?: boolean;
  start?: boolean;
  sandbox?: boolean;
}

/** The context of this process: its platform, home, user, environment and own command line. */
export function currentServiceContext(): ServiceContext {
  return {
    platform: process.platform,
    home: homedir(),
    uid: userInfo().uid,
    env: process.env,
    paths: resolvePaths(),
    self: selfCommand(),
    run: spawnRunner,
  };
}

/** Registers `service` and its subcommands. */
export function registerServiceCommand(program: Command): void {
  const context = currentServiceContext;
  const service = program
    .command("service")
    .description("run the gateway in the background: systemd user service (Linux) or launchd agent (macOS)");
  const action = (name: ServiceAction, description: string) =>
    service
      .command(name)
      .description(description)
      .option("--dry-run", "print what would be written and run, change nothing")
      .option("--json", "print machine-readable JSON");
  action("install", "write the service definition for this executable's `gateway` and start it")
    .option("--no-start", "write and enable it, but do not start it now")
    .option("--no-sandbox", "systemd: leave out the options that need user namespaces (if the service fails to start with a namespace error)")
    .action((flags: ActionFlags) => act(context(), "install", flags));
  action("uninstall", "stop the service and remove its definition").action((flags: ActionFlags) => act(context(), "uninstall", flags));
  action("start", "start the installed service").action((flags: ActionFlags) => act(context(), "start", flags));
  action("stop", "stop the service (until the next start or login)").action((flags: ActionFlags) => act(context(), "stop", flags));
  action("restart", "restart the service (e.g. after a config change)").action((flags: ActionFlags) => act(context(), "restart", flags));
  service
    .command("status")
    .description("show whether the service is installed and running")
    .option("--json", "print machine-readable JSON")
    .action(async (flags: { json?: boolean }) => {
      const status = await serviceStatus(context());
      if (flags.json) return printJson(status);
      printLines(
        `${status.manager}: ${status.installed ? status.file : "not installed"}`,
        `state: ${status.state}${status.pid ? ` (pid ${status.pid})` : ""}${status.enabled ? `, ${status.enabled}` : ""}`,
      );
    });
  service
    .command("logs")
    .description("print the service's logs (journalctl on Linux, the launchd log files on macOS)")
    .option("-n, --lines <n>", "how many lines", "100")
    .option("-f, --follow", "keep printing new lines")
    .action(async (flags: { lines: string; follow?: boolean }) => {
      const lines = Number(flags.lines);
      if (!Number.isInteger(lines) || lines < 1) throw new CliError(`--lines: expected a positive integer, got "${flags.lines}"`, ExitCode.USAGE);
      await serviceLogs(context(), lines, flags.follow ?? false);
    });
}

async function act(ctx: ServiceContext, name: ServiceAction, flags: ActionFlags): Promise<void> {
  const result = await runServiceAction(ctx, name, { dryRun: flags.dryRun, noStart: flags.start === false, noSandbox: flags.sandbox === false });
  if (flags.json) return printJson(result);
  printLines(...describeResult(result));
}

/** The human-readable report of an action; a dry run shows each file in full. */
function describeResult(result: ActionResult): string[] {
  const lines: string[] = [];
  if (result.dryRun) {
    lines.push(`${result.action} (${result.manager}), dry run: nothing was changed. It would:`);
    for (const step of result.steps) {
      lines.push(`  ${describeStep(step)}`);
      if (step.kind === "write") lines.push(`----- ${step.path}`, step.content.trimEnd(), "-----");
    }
  } else if (result.steps.length > 0) {
    const done = { install: "installed", uninstall: "uninstalled", start: "started", stop: "stopped", restart: "restarted" }[result.action];
    lines.push(`${done} (${result.manager}: ${result.file})`);
  }
  return [...lines, ...result.notes];
}
