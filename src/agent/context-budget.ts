/**
 * @module The context budget of a run (agent.md §2.3): a cheap token estimate of what a model call
 * sends (about 4 characters per token), the budget below the context window, and where older
 * history may be cut for compaction without separating a tool call from its result.
 */
import type { ChatMessage, ContentBlock, ToolSpec } from "./providers/types.ts";

/** Characters per estimated token. */
export const CHARS_PER_TOKEN = 4;
/** Tokens counted for one image block (whatever its size). */
export const IMAGE_TOKENS = 1_600;
/** Tokens counted per message for the role and framing. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** The estimated tokens of `text`. */
export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The estimated tokens of one content block (text, thinking, tool call or result, image). */
export function estimateBlockTokens(block: ContentBlock): number {
  switch (block.type) {
    case "text":
      return estimateTextTokens(block.text);
    case "thinking":
      return estimateTextTokens(block.thinking);
    case "image":
      return IMAGE_TOKENS;
    case "tool_use":
      return estimateTextTokens(block.name) + estimateTextTokens(JSON.stringify(block.input ?? {}));
    case "tool_result":
      return estimateTextTokens(block.content);
  }
}

/** The estimated tokens of messages, with a small overhead per message. */
export function estimateMessagesTokens(messages: readonly { content: readonly ContentBlock[] }[]): number {
  let total = 0;
  for (const m of messages) {
    total += MESSAGE_OVERHEAD_TOKENS;
    for (const block of m.content) total += estimateBlockTokens(block);
  }
  return total;
}

/** The estimated tokens of the tool schemas sent with every call. */
export function estimateToolsTokens(tools: readonly ToolSpec[]): number {
  let total = 0;
  for (const t of tools) total += estimateTextTokens(t.name + t.description + JSON.stringify(t.inputSchema));
  return total;
}

/** The estimated tokens of one request: system prompt, tool schemas and messages. */
export function estimateRequestTokens(request: { system: string; tools: readonly ToolSpec[]; messages: readonly ChatMessage[] }): number {
  return estimateTextTokens(request.system) + estimateToolsTokens(request.tools) + estimateMessagesTokens(request.messages);
}

/** The compaction settings of a run. */
export interface ContextBudgetSettings {
  /** The model's context window in tokens. */
  contextTokens: number;
  /** Tokens kept free for the reply; at most half the window counts. */
  reserveTokens: number;
}

/**
 * The tokens a request may take before compaction: `contextTokens − reserveTokens`, where the
 * reserve is capped at half the window (so a misconfigured reserve does not compact every turn).
 */
export function budgetTokens({ contextTokens, reserveTokens }: ContextBudgetSettings): number {
  return Math.max(1, contextTokens - Math.min(reserveTokens, Math.floor(contextTokens / 2)));
}

/**
 * The context window of `modelRef`: `agents.defaults.contextTokens`, or the model's declared
 * `contextWindow` (`models.providers.<id>.models[]`) when that is smaller.
 */
export function contextWindowOf(
  config: { agents: { defaults: { contextTokens: number } }; models: { providers: Record<string, { models?: Array<{ id: string; contextWindow?: number }> }> } },
  modelRef: string,
): number {
  const slash = modelRef.indexOf("/");
  const declared = slash > 0
    ? config.models.providers[modelRef.slice(0, slash)]?.models?.find((m) => m.id === modelRef.slice(slash + 1))?.contextWindow
    : undefined;
  const configured = config.agents.defaults.contextTokens;
  return declared !== undefined ? Math.min(declared, configured) : configured;
}

/** One transcript message as the split point sees it. */
export interface SplitItem {
  role: "user" | "assistant" | "toolResult";
  content: readonly ContentBlock[];
}

/**
 * Whether a message opens a turn: a user message with content of its own and no tool results. The
 * history is only ever cut before such a message, so a tool call and its result stay together.
 */
export function isTurnStart(item: SplitItem): boolean {
  return item.role === "user" && item.content.length > 0 && item.content.every((b) => b.type !== "tool_result");
}

/**
 * Where to cut `items` for compaction: the index of the first message kept. The kept part always
 * holds the last turn (the last user message and what followed it) and then as many earlier whole
 * turns as fit in `keepTokens`; everything before the cut is summarised.
 * @returns `undefined` when there is nothing before the last turn to summarise.
 */
export function chooseSplit(items: readonly SplitItem[], keepTokens: number): number | undefined {
  let last = -1;
  for (let i = items.length - 1; i >= 0; i--) {
    if (isTurnStart(items[i]!)) {
      last = i;
      break;
    }
  }
  if (last <= 0) return undefined;
  let split = last;
  let kept = estimateMessagesTokens(items.slice(last));
  let tokens = 0;
  for (let i = last - 1; i > 0; i--) {
    tokens += estimateMessagesTokens([items[i]!]);
    if (!isTurnStart(items[i]!)) continue;
    if (kept + tokens > keepTokens) break;
    kept += tokens;
    tokens = 0;
    split = i;
  }
  return split;
}
