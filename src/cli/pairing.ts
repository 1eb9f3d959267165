/**
 * @module `mayros pairing list [channel]` and `mayros pairing approve <channel> <code>`: DM pairing
 * codes of channel senders (`pairing.list`, `pairing.approve`; scope operator.pairing).
 */
import type { Command } from "commander";
import type { PairingApproveResult, PairingListResult } from "../protocol/methods/pairing.ts";
import { ago, formatTable, printJson, printLines } from "./output.ts";
import { clientOptions, withClient } from "./with-client.ts";
import type { ClientFlags } from "./target.ts";

/** Registers `pairing` and its subcommands. */
export function registerPairingCommand(program: Command): void {
  const pairing = program.command("pairing").description("list and approve DM pairing codes of channel senders");

  clientOptions(pairing.command("list").description("list pending pairing codes").argument("[channel]", "only this channel"))
    .action((channel: string | undefined, flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const result = (await client.request("pairing.list", channel ? { channel } : {})) as PairingListResult;
        if (flags.json) return printJson(result);
        if (result.requests.length === 0) return printLines("no pending pairing requests");
        printLines(...formatTable(
          ["CHANNEL", "ACCOUNT", "SENDER", "NAME", "CODE", "REQUESTED"],
          result.requests.map((r) => [r.channel, r.accountId, r.senderId, r.senderName ?? "-", r.code, ago(r.createdAt)]),
        ));
      }));

  clientOptions(
    pairing.command("approve").description("approve a sender's pairing code").argument("<channel>", "the channel").argument("<code>", "the code the sender got"),
  ).action((channel: string, code: string, flags: ClientFlags) =>
    withClient(flags, async (client) => {
      const r = (await client.request("pairing.approve", { channel, code })) as PairingApproveResult;
      if (flags.json) return printJson(r);
      printLines(`approved ${r.senderName ? `${r.senderName} (${r.senderId})` : r.senderId} on ${r.channel}/${r.accountId}`);
    }));
}
