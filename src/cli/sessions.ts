/** @module `mayros sessions list|history|reset`: the gateway's sessions and their transcripts. */
import type { Command } from "commander";
import { CliError, ExitCode } from "./errors.ts";
import { ago, formatTable, printJson, printLines } from "./output.ts";
import { clientOptions, withClient } from "./with-client.ts";
import type { ClientFlags } from "./target.ts";

interface LimitFlags extends ClientFlags {
  limit?: string;
}

interface SessionRow {
  key: string;
  kind?: string;
  sessionId: string;
  updatedAt: number;
  label?: string;
  totalTokens?: number;
  model?: string;
}

interface HistoryMessage {
  role: string;
  content: Array<{ type: string; text?: string; name?: string; input?: unknown; content?: string; isError?: boolean }>;
  aborted?: boolean;
}

/** Registers `sessions` and its subcommands. */
export function registerSessionsCommand(program: Command): void {
  const sessions = program.command("sessions").description("list sessions, show a transcript, reset a session");

  clientOptions(
    sessions.command("list").description("list sessions, most recently active first")
      .option("--limit <n>", "at most this many sessions")
      .option("--search <text>", "only keys, labels or names containing this text"),
  ).action((flags: LimitFlags & { search?: string }) => {
    const limit = parseLimit(flags.limit, 1000);
    return withClient(flags, async (client) => {
      const result = (await client.request("sessions.list", {
        ...(limit !== undefined && { limit }), ...(flags.search !== undefined && { search: flags.search }),
      })) as { sessions: SessionRow[] };
      if (flags.json) return printJson(result);
      if (result.sessions.length === 0) return printLines("no sessions");
      printLines(...formatTable(
        ["KEY", "KIND", "LABEL", "TOKENS", "MODEL", "UPDATED"],
        result.sessions.map((s) => [s.key, s.kind ?? "-", s.label ?? "-", String(s.totalTokens ?? 0), s.model ?? "-", ago(s.updatedAt)]),
      ));
    });
  });

  clientOptions(
    sessions.command("history").description("show the transcript of a session")
      .argument("<key>", "session key, e.g. agent:main:main")
      .option("--limit <n>", "the last N entries (default 200, at most 1000)"),
  ).action((key: string, flags: LimitFlags) => {
    const limit = parseLimit(flags.limit, 1000);
    return withClient(flags, async (client) => {
      const result = (await client.request("chat.history", { sessionKey: key, ...(limit !== undefined && { limit }) })) as { messages: HistoryMessage[] };
      if (flags.json) return printJson(result);
      if (result.messages.length === 0) return printLines(`no messages in ${key}`);
      printLines(...result.messages.map(describeMessage));
    });
  });

  clientOptions(sessions.command("reset").description("start a session over with a new session id").argument("<key>", "session key"))
    .action((key: string, flags: ClientFlags) =>
      withClient(flags, async (client) => {
        const result = (await client.request("sessions.reset", { key })) as { key: string; entry?: { sessionId?: string } };
        if (flags.json) return printJson(result);
        printLines(`reset ${result.key}: new session id ${result.entry?.sessionId ?? "-"}`);
      }));
}

/** One transcript message as `role: text` (tool calls and results summarised). */
function describeMessage(m: HistoryMessage): string {
  const parts = m.content.map((b) => {
    if (b.type === "text") return b.text ?? "";
    if (b.type === "tool_use") return `[tool call ${b.name ?? "?"} ${JSON.stringify(b.input ?? {})}]`;
    if (b.type === "tool_result") return `[tool result${b.isError ? " (error)" : ""}: ${oneLine(b.content ?? "")}]`;
    return `[${b.type}]`;
  });
  const role = m.role === "toolResult" ? "tool" : m.role;
  return `${role}: ${parts.join(" ")}${m.aborted ? " [aborted]" : ""}`;
}

function oneLine(text: string, max = 120): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

function parseLimit(value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new CliError(`--limit: expected a whole number between 1 and ${max}, got "${value}"`, ExitCode.USAGE);
  return n;
}
