/** @module The tool registry: built-in tools and (later) plugin tools, filtered by the allow/deny policy. */
import type { ToolSpec } from "../providers/types.ts";

/** What a tool returns to the model; failures are results with `isError`, never thrown at the loop. */
export interface ToolResult {
  content: string;
  isError?: boolean;
}

/** What a tool sees while it runs. */
export interface ToolContext {
  workspace: string;
  sessionKey: string;
  signal: AbortSignal;
}

/** A tool the agent can call. */
export interface Tool extends ToolSpec {
  /** Policy group (`group:fs`, `group:runtime`, …) for allow/deny lists. */
  group: string;
  execute(input: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult>;
}

/** Allow and deny lists: names, `*` wildcards and `group:*` names; deny wins; an empty allow list allows all. */
export interface ToolPolicy {
  allow: readonly string[];
  deny: readonly string[];
}

function matches(pattern: string, tool: Tool): boolean {
  const p = pattern.toLowerCase();
  if (p.startsWith("group:")) return tool.group === p;
  const re = new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return re.test(tool.name.toLowerCase());
}

/** Holds tools by name. */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();

  /** Adds a tool; a second tool with the same name is refused. */
  register(tool: Tool): void {
    if (this.tools.has(tool.name)) throw new Error(`tool already registered: ${tool.name}`);
    this.tools.set(tool.name, tool);
  }

  /** The tools the policy lets through (denied tools are never shown to the model). */
  allowed(policy: ToolPolicy): Tool[] {
    return [...this.tools.values()].filter(
      (t) => !policy.deny.some((d) => matches(d, t)) && (policy.allow.length === 0 || policy.allow.some((a) => matches(a, t))),
    );
  }
}
