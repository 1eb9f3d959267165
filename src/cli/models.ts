/** @module `mayros models list`: the models the gateway's agents can use. */
import type { Command } from "commander";
import { formatTable, printJson, printLines } from "./output.ts";
import { clientOptions, withClient } from "./with-client.ts";
import type { ClientFlags } from "./target.ts";

interface ModelRow {
  id: string;
  name: string;
  provider: string;
  contextWindow?: number;
  reasoning?: boolean;
}

/** Registers `models` and its subcommands. */
export function registerModelsCommand(program: Command): void {
  const models = program.command("models").description("list the configured models");

  clientOptions(models.command("list").description("list the configured models (provider/model refs)"))
    .action((flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const result = (await client.request("models.list", {})) as { models: ModelRow[] };
        if (flags.json) return printJson(result);
        if (result.models.length === 0) return printLines("no models configured");
        printLines(...formatTable(
          ["MODEL", "NAME", "PROVIDER", "CONTEXT", "REASONING"],
          result.models.map((m) => [m.id, m.name, m.provider, m.contextWindow === undefined ? "-" : String(m.contextWindow), m.reasoning ? "yes" : "-"]),
        ));
      }));
}
