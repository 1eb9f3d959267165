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
