/**
 * @module `mayros channels list|status|login|logout`: the messaging channel accounts of the gateway
 * (`channels.status`, `channels.logout`, `web.login.*`). `login whatsapp` links the device by QR; for the
 * bot-token channels `login` explains which config keys hold the token.
 */
import type { Command } from "commander";
import type { ChannelAccountStatus, ChannelsLogoutResult, ChannelsStatusResult } from "../protocol/methods/channels.ts";
import { CliError, ExitCode } from "./errors.ts";
import { ago, formatTable, printJson, printLines } from "./output.ts";
import { clientOptions, withClient } from "./with-client.ts";
import { QR_LOGIN_CHANNELS, runQrLogin } from "./channels-login.ts";
import type { ClientFlags } from "./target.ts";

/** Registers `channels` and its subcommands. */
export function registerChannelsCommand(program: Command): void {
  const channels = program.command("channels").description("list messaging channel accounts, show their state, log out");

  clientOptions(channels.command("list").description("list the configured channel accounts"))
    .action((flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const result = (await client.request("channels.status")) as ChannelsStatusResult;
        if (flags.json) return printJson(result.channels.map(({ channel, accountId, enabled, configured, mode }) => ({ channel, accountId, enabled, configured, mode })));
        if (result.channels.length === 0) return printLines("no channels configured");
        printLines(...formatTable(
          ["CHANNEL", "ACCOUNT", "ENABLED", "CONFIGURED", "MODE"],
          result.channels.map((c) => [c.channel, c.accountId, yes(c.enabled), yes(c.configured), c.mode ?? "-"]),
        ));
      }));

  clientOptions(channels.command("status").description("show each channel account's connection state"))
    .action((flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const result = (await client.request("channels.status")) as ChannelsStatusResult;
        if (flags.json) return printJson(result);
        printLines(...statusLines(result.channels));
      }));

  clientOptions(
    channels.command("login").description("link WhatsApp by scanning a QR code in the terminal (other channels: shows their token keys)")
      .argument("<channel>", "whatsapp, or telegram, discord, slack for the token hint")
      .option("--account <id>", "the account (default: default)")
      .option("--force", "forget the linked device and show a new QR")
      .option("--wait <seconds>", "how long to wait for the scan (default 180)"),
  ).action((channel: string, flags: ClientFlags & { account?: string; force?: boolean; wait?: string }) => {
    if (!(QR_LOGIN_CHANNELS as readonly string[]).includes(channel)) return printLines(...loginLines(channel, flags.account));
    const waitS = flags.wait === undefined ? 180 : Number(flags.wait);
    if (!Number.isFinite(waitS) || waitS <= 0) throw new CliError(`--wait: expected a positive number of seconds, got "${flags.wait}"`, ExitCode.USAGE);
    return withClient(flags, (client) => runQrLogin(client, {
      channel, waitMs: waitS * 1000, ...(flags.account && { accountId: flags.account }), ...(flags.force && { force: true }), ...(flags.json && { json: true }),
    }));
  });

  clientOptions(
    channels.command("logout").description("stop a channel account and clear its login state")
      .argument("<channel>", "telegram, discord, slack, signal, imessage or whatsapp")
      .option("--account <id>", "the account (default: default)"),
  ).action((channel: string, flags: ClientFlags & { account?: string }) =>
    withClient(flags, async (client) => {
      const params = { channel, ...(flags.account && { accountId: flags.account }) };
      const result = (await client.request("channels.logout", params)) as ChannelsLogoutResult;
      if (flags.json) return printJson(result);
      printLines(`stopped ${result.channel}/${result.accountId}${result.loggedOut ? " and cleared its login" : ""}`);
    }));
}

/** The config keys holding each built-in channel's credentials, and their env fallbacks (default account only). */
const TOKEN_KEYS: Record<string, { keys: string[]; env: string[] }> = {
  telegram: { keys: ["botToken", "webhookSecret (webhook mode)"], env: ["TELEGRAM_BOT_TOKEN"] },
  discord: { keys: ["token"], env: ["DISCORD_BOT_TOKEN"] },
  slack: { keys: ["botToken", "appToken (socket mode)", "signingSecret (http mode)"], env: ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET"] },
};

/**
 * What `channels login` prints for a bot-token channel.
 * @throws {CliError} exit 2 "interactive login is not available for <channel> yet" for any other channel
 */
export function loginLines(channel: string, accountId?: string): string[] {
  const known = TOKEN_KEYS[channel];
  if (!known) throw new CliError(`${channel} has no login here: see its channels.${channel} keys in the README (QR login: ${QR_LOGIN_CHANNELS.join(", ")})`, ExitCode.USAGE);
  const prefix = accountId && accountId !== "default" ? `channels.${channel}.accounts.${accountId}` : `channels.${channel}`;
  return [
    `${channel} has no interactive login: it uses a bot token from the config.`,
    `set ${known.keys.map((k) => `${prefix}.${k}`).join(", ")}`,
    ...(prefix === `channels.${channel}` ? [`(or the environment: ${known.env.join(", ")}), then restart the gateway`] : ["then restart the gateway"]),
  ];
}

function yes(v: boolean): string {
  return v ? "yes" : "no";
}

function statusLines(rows: ChannelAccountStatus[]): string[] {
  if (rows.length === 0) return ["no channels configured"];
  return formatTable(
    ["CHANNEL", "ACCOUNT", "STATE", "LINKED", "BOT", "DM POLICY", "SINCE", "ERROR"],
    rows.map((c) => [c.channel, c.accountId, c.state, linkedText(c.linked), c.botName ?? c.botId ?? "-", c.dmPolicy, ago(c.since), c.lastError ?? "-"]),
  );
}

/** The LINKED cell: `-` on channels without a linked device. */
function linkedText(linked: boolean | undefined): string {
  if (linked === undefined) return "-";
  return linked ? "linked" : "not linked";
}
