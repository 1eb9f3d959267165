/**
 * @module `mayros agent --message <text>`: one agent turn over the gateway, the reply streamed to
 * stdout as it arrives (`agent` events of the run), ending on the final `agent` response.
 */
import type { Command } from "commander";
import type { EventFrame } from "../protocol/index.ts";
import { GatewayCallError } from "./client.ts";
import { CliError, ExitCode } from "./errors.ts";
import { printJson } from "./output.ts";
import type { ClientFlags } from "./target.ts";
import { clientOptions, withClient } from "./with-client.ts";

/** The gateway's run timeout when `--run-timeout` is not given (agents.defaults.timeoutSeconds). */
const DEFAULT_RUN_TIMEOUT_S = 600;
/** Extra time the CLI waits for the final response beyond the run timeout (queueing, the final write). */
const FINAL_MARGIN_MS = 60_000;

const THINKING_LEVELS = ["off", "minimal", "low", "medium", "high", "xhigh"];

interface AgentFlags extends ClientFlags {
  message: string;
  session?: string;
  agent?: string;
  thinking?: string;
  runTimeout?: string;
}

/** The final `agent` payload (agent.md §1.1). */
interface AgentFinal {
  runId: string;
  status: "ok" | "error";
  summary?: string;
  result?: { payloads?: Array<{ text?: string }>; meta?: { aborted?: boolean } };
}

/** Registers `agent`. */
export function registerAgentCommand(program: Command): void {
  clientOptions(
    program
      .command("agent")
      .description("run the agent on a message and stream its reply (exit 1 when the run fails)")
      .requiredOption("-m, --message <text>", "the message to send")
      .option("--session <key>", "session key (default: the agent's main session)")
      .option("--agent <id>", "agent id (default: main)")
      .option("--thinking <level>", `thinking level: ${THINKING_LEVELS.join("|")}`)
      .option("--run-timeout <seconds>", `how long the run may take (default: the gateway's, ${DEFAULT_RUN_TIMEOUT_S} s)`),
  ).action((flags: AgentFlags) => runAgent(flags));
}

async function runAgent(flags: AgentFlags): Promise<void> {
  if (flags.message.trim() === "") throw new CliError("--message: must not be empty", ExitCode.USAGE);
  if (flags.thinking !== undefined && !THINKING_LEVELS.includes(flags.thinking)) {
    throw new CliError(`--thinking: expected one of ${THINKING_LEVELS.join(", ")}, got "${flags.thinking}"`, ExitCode.USAGE);
  }
  const runTimeout = flags.runTimeout === undefined ? undefined : Number(flags.runTimeout);
  if (runTimeout !== undefined && (!Number.isInteger(runTimeout) || runTimeout < 1 || runTimeout > 86_400)) {
    throw new CliError(`--run-timeout: expected whole seconds between 1 and 86400, got "${flags.runTimeout}"`, ExitCode.USAGE);
  }
  // The final response must be waited for as long as the run may take, unless --timeout says otherwise.
  const clientFlags = { ...flags, timeout: flags.timeout ?? String((runTimeout ?? DEFAULT_RUN_TIMEOUT_S) * 1000 + FINAL_MARGIN_MS) };
  const runId = crypto.randomUUID();
  let printed = "";
  const onEvent = (frame: EventFrame) => {
    if (flags.json || frame.event !== "agent") return;
    const p = frame.payload as { runId?: unknown; stream?: unknown; data?: { delta?: unknown } } | undefined;
    if (p?.runId !== runId || p.stream !== "assistant" || typeof p.data?.delta !== "string") return;
    process.stdout.write(p.data.delta);
    printed += p.data.delta;
  };
  const params = {
    message: flags.message, idempotencyKey: runId,
    ...(flags.session !== undefined && { sessionKey: flags.session }),
    ...(flags.agent !== undefined && { agentId: flags.agent }),
    ...(flags.thinking !== undefined && { thinking: flags.thinking }),
    ...(runTimeout !== undefined && { timeout: runTimeout }),
  };
  await withClient(clientFlags, async (client) => {
    let final: AgentFinal;
    try {
      final = (await client.request("agent", params)) as AgentFinal;
    } catch (err) {
      if (printed && !printed.endsWith("\n")) process.stdout.write("\n");
      if (err instanceof GatewayCallError) {
        // The gateway's error payload is {runId, status: "error", summary} with summary = the error message.
        if (flags.json) printJson({ runId, status: "error", summary: err.error.message });
        throw new CliError(`agent run failed: ${err.error.message}`);
      }
      throw err;
    }
    if (flags.json) printJson(final);
    else {
      const text = (final.result?.payloads ?? []).map((p) => p.text ?? "").join("\n\n");
      // Deltas may have been missed (none streamed, or a reconnecting gateway): print what is left.
      const rest = text.startsWith(printed) ? text.slice(printed.length) : `${printed ? "\n" : ""}${text}`;
      process.stdout.write(rest);
      if ((printed + rest).length > 0 && !(printed + rest).endsWith("\n")) process.stdout.write("\n");
    }
    if (final.result?.meta?.aborted) throw new CliError("the run was aborted before it finished");
  }, onEvent);
}
