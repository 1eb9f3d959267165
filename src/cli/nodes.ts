/**
 * @module `mayros nodes`: list and describe nodes, invoke a command on one, rename it, and handle
 * legacy node pairing requests (`nodes pending|approve|reject`, protocol.md §4.2).
 */
import type { Command } from "commander";
import type {
  NodeDescribeResult, NodeInvokeResult, NodeListResult, NodePairApproveResult, NodePairListResult, NodePairRejectResult,
  NodeRenameResult, NodeSummary,
} from "../protocol/methods/nodes.ts";
import { MAX_NODE_INVOKE_TIMEOUT_MS } from "../protocol/methods/nodes.ts";
import type { GatewayClient } from "./client.ts";
import { CliError, ExitCode } from "./errors.ts";
import { ago, formatTable, printJson, printLines } from "./output.ts";
import { parseParams } from "./call.ts";
import { clientOptions, withClient } from "./with-client.ts";
import type { ClientFlags } from "./target.ts";

/** The gateway's own `node.invoke` timeout when none is given. */
const DEFAULT_INVOKE_TIMEOUT_MS = 30_000;
/** Extra time the CLI waits for the gateway beyond the invoke timeout. */
const INVOKE_MARGIN_MS = 5_000;

interface InvokeFlags extends ClientFlags {
  params?: string;
  invokeTimeout?: string;
}

/** Registers `nodes` and its subcommands. */
export function registerNodesCommand(program: Command): void {
  const nodes = program.command("nodes").description("list, describe, invoke and rename nodes; approve legacy node pairing requests");

  clientOptions(nodes.command("list").description("list connected nodes and offline paired ones"))
    .action((flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const result = (await client.request("node.list")) as NodeListResult;
        if (flags.json) return printJson(result);
        printLines(...nodeLines(result.nodes));
      }));

  clientOptions(nodes.command("describe").description("show one node and the commands it declared").argument("<nodeId>", "the node"))
    .action((nodeId: string, flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const n = (await client.request("node.describe", { nodeId })) as NodeDescribeResult;
        if (flags.json) return printJson(n);
        const blocked = n.declaredCommands.filter((c) => !n.commands.includes(c));
        printLines(
          `${n.displayName ?? n.nodeId} (${n.nodeId})`,
          `status: ${n.connected ? "connected" : "offline"}${n.paired ? ", paired" : ""}${n.connectedAtMs ? ` since ${ago(n.connectedAtMs)}` : ""}`,
          `platform: ${[n.platform, n.version, n.deviceFamily, n.modelIdentifier].filter(Boolean).join(" ") || "-"}`,
          ...(n.remoteIp ? [`address: ${n.remoteIp}`] : []),
          `caps: ${n.caps.join(", ") || "-"}`,
          `commands: ${n.commands.join(", ") || "-"}`,
          ...(blocked.length > 0 ? [`declared but not allowed: ${blocked.join(", ")}`] : []),
        );
      }));

  clientOptions(
    nodes.command("invoke").description("run a command on a node and print its result")
      .argument("<nodeId>", "the node")
      .argument("<command>", "the command, e.g. system.which")
      .option("--params <json>", "command params as JSON")
      .option("--invoke-timeout <ms>", `how long the node may take, 1..${MAX_NODE_INVOKE_TIMEOUT_MS} ms (default ${DEFAULT_INVOKE_TIMEOUT_MS})`),
  ).action((nodeId: string, command: string, flags: InvokeFlags) => {
    const params = flags.params === undefined ? undefined : parseParams(flags.params);
    const timeoutMs = flags.invokeTimeout === undefined ? undefined : invokeTimeout(flags.invokeTimeout);
    // The request must outlive the node's own timeout unless --timeout says otherwise.
    const clientFlags = { ...flags, timeout: flags.timeout ?? String((timeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS) + INVOKE_MARGIN_MS) };
    return withClient(clientFlags, async (client) => {
      const request = { nodeId, command, ...(params !== undefined && { params }), ...(timeoutMs !== undefined && { timeoutMs }), idempotencyKey: crypto.randomUUID() };
      const result = (await client.request("node.invoke", request)) as NodeInvokeResult;
      printJson(flags.json ? result : (result.payload ?? null));
    });
  });

  clientOptions(nodes.command("pending").description("list pending node pairing requests"))
    .action((flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const { pending } = (await client.request("node.pair.list")) as NodePairListResult;
        if (flags.json) return printJson(pending);
        if (pending.length === 0) return printLines("no pending node pairing requests");
        printLines(...formatTable(
          ["REQUEST", "NODE", "NAME", "PLATFORM", "IP", "REQUESTED"],
          pending.map((p) => [p.requestId, p.nodeId, p.displayName ?? "-", p.platform ?? "-", p.remoteIp ?? "-", ago(p.ts)]),
        ));
      }));

  clientOptions(nodes.command("approve").description("approve a node pairing request and print the node's token").argument("<requestId>", "the request"))
    .action((requestId: string, flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const result = (await client.request("node.pair.approve", { requestId })) as NodePairApproveResult;
        if (flags.json) return printJson(result);
        printLines(`approved node ${result.node.displayName ?? result.node.nodeId} (${result.node.nodeId}); its token:`, result.node.token,
          "it is shown only once: give it to the node now");
      }));

  clientOptions(nodes.command("reject").description("reject a node pairing request").argument("<requestId>", "the request"))
    .action((requestId: string, flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const result = (await client.request("node.pair.reject", { requestId })) as NodePairRejectResult;
        if (flags.json) return printJson(result);
        printLines(`rejected request ${result.requestId} of node ${result.nodeId}`);
      }));

  clientOptions(
    nodes.command("rename").description("rename a node")
      .requiredOption("--node <node>", "node id, current name or IP address")
      .requiredOption("--name <name>", "the new display name"),
  ).action((flags: ClientFlags & { node: string; name: string }) => {
    if (flags.name.trim() === "") throw new CliError("--name: must not be empty", ExitCode.USAGE);
    return withClient(flags, async (client) => {
      const nodeId = await resolveNode(client, flags.node);
      const result = (await client.request("node.rename", { nodeId, displayName: flags.name })) as NodeRenameResult;
      if (flags.json) return printJson(result);
      printLines(`renamed ${result.nodeId} to "${result.displayName}"`);
    });
  });
}

/** Finds a node by id, else by display name (case-insensitive) or IP address. @throws {CliError} when none or several match. */
async function resolveNode(client: GatewayClient, query: string): Promise<string> {
  const { nodes } = (await client.request("node.list")) as NodeListResult;
  if (nodes.some((n) => n.nodeId === query)) return query;
  const q = query.toLowerCase();
  const found = nodes.filter((n) => n.displayName?.toLowerCase() === q || n.remoteIp === query);
  if (found.length === 1) return found[0]!.nodeId;
  if (found.length === 0) throw new CliError(`no node matches "${query}" (see mayros nodes list)`);
  throw new CliError(`"${query}" matches several nodes (${found.map((n) => n.nodeId).join(", ")}); use the node id`);
}

function nodeLines(nodes: NodeSummary[]): string[] {
  if (nodes.length === 0) return ["no nodes"];
  return formatTable(
    ["NODE", "NAME", "PLATFORM", "STATUS", "CAPS", "COMMANDS"],
    nodes.map((n) => [
      n.nodeId, n.displayName ?? "-", n.platform ?? "-",
      `${n.connected ? "connected" : "offline"}${n.paired ? ", paired" : ""}`,
      n.caps.join(",") || "-", String(n.commands.length),
    ]),
  );
}

function invokeTimeout(text: string): number {
  const ms = Number(text);
  if (!Number.isInteger(ms) || ms < 1 || ms > MAX_NODE_INVOKE_TIMEOUT_MS) {
    throw new CliError(`--invoke-timeout: expected 1..${MAX_NODE_INVOKE_TIMEOUT_MS} milliseconds, got "${text}"`, ExitCode.USAGE);
  }
  return ms;
}
