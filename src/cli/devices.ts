/**
 * @module `mayros devices`: list pairing requests and paired devices, approve/reject/remove them,
 * rotate and revoke device tokens (protocol.md §4.1). All need `operator.pairing`.
 */
import type { Command } from "commander";
import type {
  DevicePairApproveResult, DevicePairListResult, DevicePairRejectResult, DevicePairRemoveResult, DevicePendingRequest,
  DeviceTokenRevokeResult, DeviceTokenRotateResult, PairedDeviceSummary,
} from "../protocol/methods/devices.ts";
import { CliError, ExitCode } from "./errors.ts";
import { ago, collect, formatTable, printJson, printLines } from "./output.ts";
import { clientOptions, withClient } from "./with-client.ts";
import type { ClientFlags } from "./target.ts";

/** Registers `devices` and its subcommands. */
export function registerDevicesCommand(program: Command): void {
  const devices = program.command("devices").description("manage device pairing requests, paired devices and device tokens");

  clientOptions(devices.command("list").description("list pending pairing requests and paired devices"))
    .action((flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const result = (await client.request("device.pair.list")) as DevicePairListResult;
        if (flags.json) return printJson(result);
        printLines(...pendingLines(result.pending), "", ...pairedLines(result.paired));
      }));

  clientOptions(
    devices.command("approve").description("approve a pending pairing request")
      .argument("[requestId]", "the request to approve")
      .option("--latest", "approve the newest pending request"),
  ).action((requestId: string | undefined, flags: ClientFlags & { latest?: boolean }) => {
    if (requestId && flags.latest) throw new CliError("give either a requestId or --latest, not both", ExitCode.USAGE);
    if (!requestId && !flags.latest) throw new CliError("give a requestId, or --latest for the newest pending request", ExitCode.USAGE);
    return withClient(flags, async (client) => {
      const id = requestId ?? newest(((await client.request("device.pair.list")) as DevicePairListResult).pending).requestId;
      const result = (await client.request("device.pair.approve", { requestId: id })) as DevicePairApproveResult;
      if (flags.json) return printJson(result);
      const d = result.device;
      printLines(`approved ${d.displayName ?? d.deviceId} (${d.deviceId}) as ${d.roles.join(", ")}; it gets its token on its next connect`);
    });
  });

  clientOptions(devices.command("reject").description("reject a pending pairing request").argument("<requestId>", "the request to reject"))
    .action((requestId: string, flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const result = (await client.request("device.pair.reject", { requestId })) as DevicePairRejectResult;
        if (flags.json) return printJson(result);
        printLines(`rejected request ${result.requestId} of device ${result.deviceId}`);
      }));

  clientOptions(devices.command("remove").description("unpair a device and disconnect it").argument("<deviceId>", "the device to remove"))
    .action((deviceId: string, flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const result = (await client.request("device.pair.remove", { deviceId })) as DevicePairRemoveResult;
        if (flags.json) return printJson(result);
        printLines(`removed device ${result.deviceId}`);
      }));

  clientOptions(
    devices.command("rotate").description("mint a new device token for a role and print it (the old one stops working)")
      .requiredOption("--device <id>", "the device")
      .requiredOption("--role <role>", "operator or node")
      .option("--scope <scope>", "a scope of the new token (repeatable; default: the current token's scopes)", collect),
  ).action((flags: ClientFlags & { device: string; role: string; scope?: string[] }) => {
    const params = { deviceId: flags.device, role: roleOf(flags.role), ...(flags.scope && { scopes: flags.scope }) };
    return withClient(flags, async (client) => {
      const result = (await client.request("device.token.rotate", params)) as DeviceTokenRotateResult;
      if (flags.json) return printJson(result);
      printLines(
        `new ${result.role} token for ${result.deviceId} (scopes: ${result.scopes.join(", ") || "none"}):`,
        result.token,
        "it is shown only once: store it now",
      );
    });
  });

  clientOptions(
    devices.command("revoke").description("revoke a device token and disconnect the sockets that used it")
      .requiredOption("--device <id>", "the device")
      .requiredOption("--role <role>", "operator or node"),
  ).action((flags: ClientFlags & { device: string; role: string }) => {
    const params = { deviceId: flags.device, role: roleOf(flags.role) };
    return withClient(flags, async (client) => {
      const result = (await client.request("device.token.revoke", params)) as DeviceTokenRevokeResult;
      if (flags.json) return printJson(result);
      printLines(`revoked the ${result.role} token of ${result.deviceId}`);
    });
  });
}

/** Checks `--role`. @throws {CliError} exit 2 for anything but operator or node. */
function roleOf(role: string): "operator" | "node" {
  if (role === "operator" || role === "node") return role;
  throw new CliError(`--role: expected operator or node, got "${role}"`, ExitCode.USAGE);
}

/** The newest pending request. @throws {CliError} when there is none. */
function newest(pending: DevicePendingRequest[]): DevicePendingRequest {
  const latest = pending.reduce<DevicePendingRequest | undefined>((a, p) => (a === undefined || p.ts >= a.ts ? p : a), undefined);
  if (!latest) throw new CliError("no pending device pairing requests");
  return latest;
}

function pendingLines(pending: DevicePendingRequest[]): string[] {
  if (pending.length === 0) return ["no pending pairing requests"];
  return [`pending (${pending.length}):`, ...formatTable(
    ["REQUEST", "DEVICE", "NAME", "ROLE", "SCOPES", "IP", "REQUESTED"],
    pending.map((p) => [
      p.requestId, p.deviceId, p.displayName ?? "-", `${p.role}${p.isRepair ? " (repair)" : ""}`, p.scopes.join(",") || "-", p.remoteIp, ago(p.ts),
    ]),
  )];
}

function pairedLines(paired: PairedDeviceSummary[]): string[] {
  if (paired.length === 0) return ["no paired devices"];
  return [`paired (${paired.length}):`, ...formatTable(
    ["DEVICE", "NAME", "PLATFORM", "ROLES", "TOKENS", "APPROVED"],
    paired.map((d) => [
      d.deviceId, d.displayName ?? "-", d.platform ?? "-", d.roles.join(","),
      d.tokens.map((t) => `${t.role}${t.revokedAtMs !== undefined ? " (revoked)" : ""}`).join(",") || "-", ago(d.approvedAtMs),
    ]),
  )];
}
