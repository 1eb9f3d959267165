/** @module `mayros status`: what the gateway is and how it is doing. */
import type { Command } from "commander";
import type { StatusResult } from "../protocol/methods/system.ts";
import { formatDuration, formatMiB, printJson, printLines } from "./output.ts";
import { clientOptions, withClient } from "./with-client.ts";
import type { ClientFlags } from "./target.ts";

/** Registers `status`. */
export function registerStatusCommand(program: Command): void {
  clientOptions(program.command("status").description("show gateway status"))
    .action((flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const s = (await client.request("status")) as StatusResult;
        if (flags.json) return printJson(s);
        printLines(
          `gateway ${s.runtimeVersion} (${s.commit}) pid ${s.pid}, up ${formatDuration(s.uptimeMs)}`,
          `listening on ${s.listen.host}:${s.listen.port}, auth ${s.authMode}, protocol ${s.protocol.min}-${s.protocol.max}`,
          `connections: ${s.connections.operators} operators, ${s.connections.nodes} nodes, ${s.connections.pending} handshaking`,
          `memory: ${formatMiB(s.processMemory.rssBytes)} RSS`,
          ...(s.stateDir ? [`state: ${s.stateDir}`] : []),
        );
      }));
}
