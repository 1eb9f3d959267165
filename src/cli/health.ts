/** @module `mayros health`: the gateway's health snapshot. */
import type { Command } from "commander";
import type { HealthSnapshot } from "../protocol/index.ts";
import { printJson, printLines } from "./output.ts";
import { clientOptions, withClient } from "./with-client.ts";
import type { ClientFlags } from "./target.ts";

/** Registers `health`. */
export function registerHealthCommand(program: Command): void {
  clientOptions(program.command("health").description("show the gateway's health"))
    .action((flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const health = (await client.request("health")) as HealthSnapshot;
        if (flags.json) return printJson(health);
        const channels = Object.keys(health.channels ?? {});
        printLines(
          `health: ${health.ok ? "ok" : "degraded"}`,
          `channels: ${channels.length ? channels.join(", ") : "none configured"}`,
          `default agent: ${health.defaultAgentId ?? "main"}`,
        );
      }));
}
