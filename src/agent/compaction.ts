/**
 * @module Auto-compaction (agent.md §2.3): the model context of a session rebuilt from its
 * transcript (the latest `compaction` entry's summary, then the entries from its
 * `firstKeptEntryId` on), and compaction itself — older turns summarised by one model call without
 * tools into a persisted `compaction` entry, reported as `compaction` stream events.
 */
import type { SessionStore } from "../sessions/store.ts";
import type { TranscriptRecord } from "../sessions/types.ts";
import { budgetTokens, chooseSplit, estimateMessagesTokens, type ContextBudgetSettings, type SplitItem } from "./context-budget.ts";
import { isProviderError } from "./providers/errors.ts";
import type { ChatMessage, ContentBlock, ModelEvent, ModelRequest, Usage } from "./providers/types.ts";

/** How the summary opens the model context. */
export const SUMMARY_PREFIX = "[Summary of earlier conversation]";
/** Transcript entries read for a turn when no compaction entry is near. */
export const HISTORY_WINDOW = 200;
/** Entries read at most while looking back for the latest compaction entry. */
export const MAX_CONTEXT_ENTRIES = 1_000;
/** Output cap of the summarisation call. */
export const SUMMARY_MAX_TOKENS = 4_096;

const SUMMARY_SYSTEM = "You summarise conversations between a user and an AI assistant so that the assistant can continue them without the full history.";
const SUMMARY_INSTRUCTIONS = "Summarise the conversation below for the assistant's own future reference. Keep decisions, facts, names, numbers, "
  + "file paths, tool findings, open tasks and the user's preferences; drop pleasantries. Answer with the summary only.";

/** The result given to a tool call the transcript has no result for. */
const NO_RESULT = "no result: the run ended before this tool call finished";

/**
 * Transcript rows back into model messages (tool results travel in user messages). Providers
 * refuse a tool call without a result in the next message and a result without its call in the
 * previous one, and a transcript can hold either — cut by a crash between an assistant's tool
 * calls and their results, or by the history window starting mid-round — so a call without a
 * result gets a synthetic error result and a result without its call is left out. The history
 * starts at its first real user message (providers want the conversation to open with one).
 * `compaction` entries are skipped (see {@link contextMessages}).
 */
export function toChatMessages(records: TranscriptRecord[]): ChatMessage[] {
  const first = records.findIndex(({ entry: e }) =>
    e.type === "message" && e.message.role === "user" && e.message.content.some((b) => b.type !== "tool_result"));
  if (first < 0) return [];
  const out: ChatMessage[] = [];
  /** Tool calls of the last assistant message, waiting for their results. */
  let open: string[] = [];
  const missing = (answered: ReadonlySet<string>): ContentBlock[] =>
    open.filter((id) => !answered.has(id)).map((id) => ({ type: "tool_result", toolUseId: id, content: NO_RESULT, isError: true }));
  for (const { entry } of records.slice(first)) {
    if (entry.type !== "message") continue;
    const content = entry.message.content as unknown as ContentBlock[];
    if (entry.message.role === "assistant") {
      if (open.length > 0) out.push({ role: "user", content: missing(new Set()) });
      out.push({ role: "assistant", content: [...content] });
      open = content.flatMap((b) => (b.type === "tool_use" ? [b.id] : []));
      continue;
    }
    const expected = new Set(open);
    const results = content.filter((b): b is Extract<ContentBlock, { type: "tool_result" }> => b.type === "tool_result" && expected.has(b.toolUseId));
    const rest = content.filter((b) => b.type !== "tool_result");
    const merged = [...missing(new Set(results.map((b) => b.toolUseId))), ...results, ...rest];
    open = [];
    if (merged.length > 0) out.push({ role: "user", content: merged });
  }
  if (open.length > 0) out.push({ role: "user", content: missing(new Set()) });
  return out;
}

/** What the model sees of a transcript: the latest summary and the message records after the cut. */
export interface ModelContext {
  summary?: string;
  /** `message` records only, oldest first. */
  records: TranscriptRecord[];
}

/**
 * Applies the latest `compaction` entry of `records`: its summary, and the messages from its
 * `firstKeptEntryId` on (when that id is not in `records`, the window already starts after it;
 * without one, the messages after the entry). Earlier entries are not sent.
 */
export function effectiveContext(records: readonly TranscriptRecord[]): ModelContext {
  const messages = (list: readonly TranscriptRecord[]) => list.filter((r) => r.entry.type === "message");
  const k = records.findLastIndex((r) => r.entry.type === "compaction");
  if (k < 0) return { records: messages(records) };
  const entry = records[k]!.entry as Extract<TranscriptRecord["entry"], { type: "compaction" }>;
  let from = k + 1;
  if (entry.firstKeptEntryId !== undefined) {
    const kept = records.findIndex((r) => r.entry.id === entry.firstKeptEntryId);
    from = kept < 0 ? 0 : Math.min(kept, k + 1);
  }
  return { summary: entry.summary, records: messages(records.slice(from)) };
}

/** The model messages of a context: the summary as a leading user message, then the kept messages. */
export function contextMessages(ctx: ModelContext): ChatMessage[] {
  const out = toChatMessages(ctx.records);
  if (ctx.summary !== undefined) out.unshift({ role: "user", content: [{ type: "text", text: `${SUMMARY_PREFIX} ${ctx.summary}` }] });
  return out;
}

/**
 * The transcript records a turn builds on: the last {@link HISTORY_WINDOW} entries, or — when a
 * compaction entry lies further back (up to {@link MAX_CONTEXT_ENTRIES}) — everything from the
 * entry it keeps from on.
 */
export function loadContextRecords(sessions: Pick<SessionStore, "get" | "history">, key: string): TranscriptRecord[] {
  const session = sessions.get(key);
  if (!session) return [];
  let records = sessions.history(session.sessionId, { limit: HISTORY_WINDOW });
  const covered = (): boolean => {
    const k = records.findLastIndex((r) => r.entry.type === "compaction");
    if (k < 0) return false;
    const firstKept = (records[k]!.entry as { firstKeptEntryId?: string }).firstKeptEntryId;
    return firstKept === undefined || records.some((r) => r.entry.id === firstKept);
  };
  while (!covered() && records.length > 0 && records[0]!.seq > 1 && records.length < MAX_CONTEXT_ENTRIES) {
    const limit = Math.min(HISTORY_WINDOW, MAX_CONTEXT_ENTRIES - records.length);
    const page = sessions.history(session.sessionId, { limit, beforeSeq: records[0]!.seq });
    if (page.length === 0) break;
    records = [...page, ...records];
  }
  return records.some((r) => r.entry.type === "compaction") ? records : records.slice(-HISTORY_WINDOW);
}

/**
 * Whether a provider refused the request as longer than the model's context: a 400 (or 413)
 * whose type or message talks about the context, a too long prompt, or too many tokens.
 */
export function isContextOverflowError(error: unknown): boolean {
  if (!isProviderError(error)) return false;
  if (error.status !== undefined && error.status !== 400 && error.status !== 413) return false;
  return /context|too[ _](?:long|large)|too many tokens/i.test(`${error.type ?? ""} ${error.providerMessage}`);
}

/** What {@link compactSession} works with. */
export interface CompactionOptions {
  sessions: Pick<SessionStore, "get" | "history" | "append">;
  key: string;
  budget: ContextBudgetSettings;
  /** Tokens sent with every call besides the messages (system prompt, tool schemas). */
  fixedTokens: number;
  /** Tokens of messages not in the transcript yet (the turn's new prompt). */
  pendingTokens?: number;
  /** One model call (the summarisation request: no tools). */
  stream(request: Omit<ModelRequest, "model">): AsyncIterable<ModelEvent>;
  /** Receives the `compaction` stream data: `{phase:"start"}`, `{phase:"end", tokensBefore, tokensAfter}`, `{phase:"error", error}`. */
  emit(data: Record<string, unknown>): void;
  signal: AbortSignal;
}

/** A finished compaction. */
export interface CompactionResult {
  summary: string;
  firstKeptEntryId: string;
  tokensBefore: number;
  tokensAfter: number;
  /** The new model context (without the pending prompt). */
  messages: ChatMessage[];
}

/**
 * Compacts the session's context: keeps the last turn and as many earlier whole turns as fit in
 * half of what the budget leaves, summarises the rest (with any earlier summary) in one model call,
 * and appends `{type:"compaction", summary, firstKeptEntryId, tokensBefore}` to the transcript.
 * @returns `undefined` when there is nothing before the last turn to summarise.
 * @throws the summarisation call's error (after a `{phase:"error"}` event).
 */
export async function compactSession(o: CompactionOptions): Promise<CompactionResult | undefined> {
  const ctx = effectiveContext(loadContextRecords(o.sessions, o.key));
  const items = ctx.records.map((r) => (r.entry as unknown as { message: SplitItem }).message);
  const outside = o.fixedTokens + (o.pendingTokens ?? 0);
  const budget = budgetTokens(o.budget);
  const split = chooseSplit(items, Math.max(0, Math.floor((budget - outside) / 2)));
  if (split === undefined) return undefined;
  const tokensBefore = outside + estimateMessagesTokens(contextMessages(ctx));
  o.emit({ phase: "start" });
  let summary: string;
  let usage: Usage | undefined;
  try {
    const maxChars = Math.max(4_000, (budget - SUMMARY_MAX_TOKENS - 1_000) * 4);
    ({ summary, usage } = await summarise(o, renderForSummary(ctx.summary, ctx.records.slice(0, split), maxChars)));
  } catch (err) {
    o.emit({ phase: "error", error: (err as Error).message ?? String(err) });
    throw err;
  }
  const firstKeptEntryId = ctx.records[split]!.entry.id;
  o.sessions.append(o.key, [{ type: "compaction", summary, firstKeptEntryId, tokensBefore }], usage
    ? { inputTokens: usage.input, outputTokens: usage.output, cacheRead: usage.cacheRead, cacheWrite: usage.cacheWrite, totalTokens: usage.input + usage.output }
    : {});
  const messages = contextMessages({ summary, records: ctx.records.slice(split) });
  const tokensAfter = outside + estimateMessagesTokens(messages);
  o.emit({ phase: "end", tokensBefore, tokensAfter });
  return { summary, firstKeptEntryId, tokensBefore, tokensAfter, messages };
}

/** Runs the summarisation call and returns its text. @throws when the model answers with no text. */
async function summarise(o: CompactionOptions, prompt: string): Promise<{ summary: string; usage?: Usage }> {
  let text = "";
  let usage: Usage | undefined;
  const request = { system: SUMMARY_SYSTEM, messages: [{ role: "user" as const, content: [{ type: "text" as const, text: prompt }] }], tools: [], maxTokens: SUMMARY_MAX_TOKENS, signal: o.signal };
  for await (const event of o.stream(request)) {
    if (event.type === "text") text += event.delta;
    else if (event.type === "usage") usage = event.usage;
  }
  if (text.trim() === "") throw new Error("compaction failed: the model returned an empty summary");
  return { summary: text.trim(), ...(usage && { usage }) };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [${text.length - max} more characters]` : text;
}

/**
 * The summarisation prompt: instructions, the earlier summary, and the messages as plain text
 * lines (tool results clipped); when too long, the oldest lines are left out.
 */
export function renderForSummary(previous: string | undefined, records: readonly TranscriptRecord[], maxChars: number): string {
  const lines: string[] = [];
  for (const { entry } of records) {
    if (entry.type !== "message") continue;
    const who = entry.message.role === "assistant" ? "Assistant" : entry.message.role === "toolResult" ? "Tool" : "User";
    for (const b of entry.message.content as unknown as ContentBlock[]) {
      if (b.type === "text") lines.push(`${who}: ${clip(b.text, 8_000)}`);
      else if (b.type === "tool_use") lines.push(`${who} called tool ${b.name}: ${clip(JSON.stringify(b.input ?? {}), 1_000)}`);
      else if (b.type === "tool_result") lines.push(`Tool result${b.isError ? " (error)" : ""}: ${clip(b.content, 2_000)}`);
      else if (b.type === "image") lines.push(`${who}: [image]`);
    }
  }
  const head = `${SUMMARY_INSTRUCTIONS}\n\n${previous !== undefined ? `Summary of the conversation before this part:\n${previous}\n\n` : ""}Conversation:\n`;
  let total = head.length;
  let first = lines.length;
  while (first > 0 && total + lines[first - 1]!.length + 1 <= maxChars) total += lines[--first]!.length + 1;
  return `${head}${first > 0 ? `[${first} older lines left out]\n` : ""}${lines.slice(first).join("\n")}`;
}
