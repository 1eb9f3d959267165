/**
 * @module `mayros iot fleet|add|remove|status|ping`: every command calls the running gateway's `iot.*` methods (with
 * the command's `--url`/`--token` flags), so it shows and changes the gateway's real fleet. `--json` prints the
 * method's answer; otherwise text. `add` defaults to port 19090, the same default as the config.
 */
import type { MayrosPluginApi, PluginCliRegistrar } from "../../plugins/api.ts";
import { DEFAULT_NODE_PORT } from "./config.ts";
import type { PingResult } from "./fleet.ts";
import type { FleetAnswer } from "./methods.ts";
import { renderFleet, renderStatus, type NodeStatusReport } from "./render.ts";

type Opts = { json?: boolean; port?: string; id?: string; label?: string };
type Command = Parameters<PluginCliRegistrar>[0]["program"];

/** Registers the `iot` command group on `api`. */
export function registerIotCli(api: MayrosPluginApi): void {
  /** Calls `method` and prints its answer: JSON with --json, else `human(answer)`. */
  const run = async <T>(opts: Opts, method: string, params: Record<string, unknown>, human: (result: T) => string) => {
    const result = (await api.runtime.call(method, params)) as T;
    process.stdout.write(`${opts.json ? JSON.stringify(result, null, 2) : human(result)}\n`);
  };

  api.registerCli(({ program }) => {
    const iot = program.command("iot").description("the IoT fleet of the running gateway (iot-bridge plugin)");
    iot.command("fleet").description("every node with its status from the last health poll")
      .option("--poll", "poll every node first")
      .action((opts: Opts & { poll?: boolean }) => run<FleetAnswer>(opts, opts.poll ? "iot.poll" : "iot.fleet", {}, (r) => `${r.online}/${r.total} online\n${renderFleet(r.nodes)}`));
    iot.command("add").description("add a node to the fleet (kept across restarts)")
      .argument("<host>", "the node's host name or address")
      .option("--port <port>", "the node's REST port", String(DEFAULT_NODE_PORT))
      .option("--id <id>", "the node's id (default: the host with dashes)")
      .option("--label <label>", "a readable name")
      .action(async (host: string, opts: Opts, cmd: Command) => {
        const port = Number(opts.port);
        if (!Number.isInteger(port) || port < 1 || port > 65535) cmd.error(`error: --port must be an integer from 1 to 65535 (got "${opts.port}")`, { exitCode: 2 });
        const params = { host, port, ...(opts.id !== undefined && { id: opts.id }), ...(opts.label !== undefined && { label: opts.label }) };
        await run<{ node: { id: string; url: string } }>(opts, "iot.add", params, (r) => `Added ${r.node.id} (${r.node.url}).`);
      });
    iot.command("remove").description("remove a node from the fleet").argument("<id>", "the node's id")
      .action((id: string, opts: Opts) => run(opts, "iot.remove", { id }, () => `Removed ${id}.`));
    iot.command("status").description("a node's info, stats and peers").argument("<id>", "the node's id")
      .action((id: string, opts: Opts) => run<NodeStatusReport>(opts, "iot.status", { id }, renderStatus));
    iot.command("ping").description("time one health check of a node").argument("<id>", "the node's id")
      .action((id: string, opts: Opts) => run<PingResult>(opts, "iot.ping", { id }, (r) => (r.online ? `${id}: online, ${r.latencyMs} ms` : `${id}: offline after ${r.latencyMs} ms (${r.error})`)));
  }, { commands: ["iot"] });
}
