/** @module Assembles the system prompt of a run from fixed sections and the workspace bootstrap files (agent.md §3.2). */
import { hostname, platform } from "node:os";
import type { ToolSpec } from "./providers/types.ts";
import { readBootstrap } from "./workspace.ts";

/** What the prompt describes. */
export interface PromptContext {
  workspace: string;
  tools: ToolSpec[];
  model: string;
  timezone: string;
  extra?: string;
}

/** Builds the system prompt; rebuilt every run so workspace edits apply at once. */
export function buildSystemPrompt({ workspace, tools, model, timezone, extra }: PromptContext): string {
  const sections = [
    "You are a personal assistant running inside Mayros, a gateway on the user's own machine.",
    tools.length > 0
      ? `## Tooling\n${tools.map((t) => `- ${t.name}: ${t.description}`).join("\n")}`
      : "## Tooling\nNo tools are available in this run.",
    "## Safety\nDo not take destructive or irreversible actions without the user's explicit go-ahead.",
    `## Workspace\nYour working directory is ${workspace}. File tools resolve paths relative to it.`,
    `## Date & time\nThe user's time zone is ${timezone}.`,
    "## Replies\nReply NO_REPLY (alone) when nothing should be said.",
    `## Runtime\nhost ${hostname()} · ${platform()} · model ${model}`,
  ];
  const files = readBootstrap(workspace);
  if (files.length > 0) sections.push(`# Project Context\n\n${files.map((f) => `## ${f.name}\n\n${f.text.trim()}`).join("\n\n")}`);
  if (extra) sections.push(extra);
  return sections.join("\n\n");
}

/** A leading `[Dow YYYY-MM-DD HH:MM …]` stamp. */
const STAMPED = /^\[[A-Z][a-z]{2} \d{4}-\d{2}-\d{2} \d{2}:\d{2}[^\]]*\]/;

/**
 * Prefixes the user text of `agent` / `chat.send` with `[<Dow> YYYY-MM-DD HH:MM <TZ>] ` in
 * `timezone` (agent.md §3.2), unless it already starts with such a stamp or carries a
 * `Current time: ` line (cron). An unknown zone falls back to UTC.
 */
export function stampUserText(text: string, timezone: string, now: Date = new Date()): string {
  if (STAMPED.test(text) || text.includes("Current time: ")) return text;
  return `[${formatStamp(now, timezone)}] ${text}`;
}

function formatStamp(now: Date, timezone: string): string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone, weekday: "short", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short",
    });
  } catch {
    return formatStamp(now, "UTC");
  }
  const parts = format.formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("weekday")} ${part("year")}-${part("month")}-${part("day")} ${part("hour")}:${part("minute")} ${part("timeZoneName")}`;
}
