/**
 * @module The OpenAI Chat Completions provider (agent.md §4.3), for OpenAI and every compatible
 * endpoint (OpenRouter, Ollama, LM Studio, vLLM): `POST {baseUrl}/chat/completions`, streamed.
 */
import { ProviderError, ProviderNetworkError, redactSecret } from "./errors.ts";
import { checkProviderOptions, postSse, type FetchLike } from "./http.ts";
import type { ChatMessage, ContentBlock, ModelEvent, ModelProvider, ModelRequest, StopReason, Usage } from "./types.ts";

/** Options of {@link createOpenAIProvider}. */
export interface OpenAIProviderOptions {
  /** Provider id used in refs and messages (`openai`, `openrouter`, `ollama`). */
  id: string;
  /** API root ending in `/v1` (`https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer`; omitted when unset (Ollama, LM Studio). */
  apiKey?: string;
  /** Injectable `fetch`; default the global one. */
  fetch?: FetchLike;
  /** Body field for the output limit; default `max_tokens` (OpenAI itself wants `max_completion_tokens`). */
  maxTokensField?: "max_tokens" | "max_completion_tokens";
}

/** The streamed chunk we read (hand-copied from `openai` resources/chat/completions). */
interface WireChunk {
  choices?: Array<{
    index?: number;
    delta?: {
      content?: string | null;
      reasoning_content?: string | null;
      reasoning?: string | null;
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
    };
    finish_reason?: string | null;
  }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null;
  error?: { message?: string; type?: string; code?: string | number | null } | string;
}

type WireMessage = Record<string, unknown>;
interface ToolCallParts { id: string; name: string; args: string; input?: unknown }

const FINISH_REASONS: Record<string, StopReason> = {
  stop: "end_turn",
  tool_calls: "tool_use",
  function_call: "tool_use",
  length: "max_tokens",
  content_filter: "refusal",
};

/**
 * Creates a provider for the OpenAI Chat Completions API or a compatible endpoint.
 * @param options `id`, `baseUrl`, `apiKey` (optional), `fetch`, `maxTokensField` (default `max_tokens`).
 * @throws {ProviderConfigError} empty `id` or a `baseUrl` that is not http(s).
 * @throws {ProviderError} (from `stream`) the endpoint refused the call, or streamed an error chunk.
 * @throws {ProviderNetworkError} (from `stream`) unreachable, or cut before `[DONE]`/`finish_reason`.
 * @example
 * const local = createOpenAIProvider({ id: "ollama", baseUrl: "http://127.0.0.1:11434/v1" });
 */
export function createOpenAIProvider(options: OpenAIProviderOptions): ModelProvider {
  const { id, apiKey, maxTokensField = "max_tokens" } = options;
  const baseUrl = checkProviderOptions("createOpenAIProvider", id, options.baseUrl);
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));

  async function* stream(request: ModelRequest): AsyncGenerator<ModelEvent, void, undefined> {
    const events = postSse({
      provider: id,
      model: request.model,
      url: `${baseUrl}/chat/completions`,
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      body: buildOpenAIBody(request, maxTokensField),
      fetch: fetchImpl,
      signal: request.signal,
      apiKey,
    });
    let text = "";
    let thinking = "";
    const calls: ToolCallParts[] = [];
    let callsEmitted = false;
    let finish: string | undefined;
    let usage: Usage | undefined;

    function* emitCalls(): Generator<ModelEvent> {
      if (callsEmitted) return;
      callsEmitted = true;
      for (const [index, call] of calls.entries()) {
        if (!call) continue;
        call.id ||= `call_${index}`;
        call.input = parseArguments(call, request.model);
        yield { type: "tool_call", id: call.id, name: call.name, input: call.input };
      }
    }
    function parseArguments(call: ToolCallParts, model: string): unknown {
      if (call.args.trim() === "") return {};
      try {
        return JSON.parse(call.args);
      } catch {
        throw new ProviderError({ provider: id, model, type: "invalid_tool_input", message: `tool ${call.name} (${call.id}) arguments are not JSON` });
      }
    }

    let done = false;
    for await (const { data } of events) {
      if (data.trim() === "[DONE]") {
        done = true;
        break;
      }
      let chunk: WireChunk;
      try {
        chunk = JSON.parse(data) as WireChunk;
      } catch (error) {
        throw new ProviderNetworkError(id, request.model, "unparsable chunk", { cause: error });
      }
      if (chunk.error !== undefined && chunk.error !== null) {
        const error = typeof chunk.error === "string" ? { message: chunk.error } : chunk.error;
        throw new ProviderError({
          provider: id,
          model: request.model,
          // OpenRouter puts an HTTP-like number in `code`; OpenAI a string code.
          status: typeof error.code === "number" ? error.code : undefined,
          type: typeof error.code === "string" ? error.code : error.type,
          message: redactSecret(error.message ?? "error chunk", apiKey),
        });
      }
      if (chunk.usage) {
        const cached = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
        usage = { input: (chunk.usage.prompt_tokens ?? 0) - cached, output: chunk.usage.completion_tokens ?? 0, cacheRead: cached, cacheWrite: 0 };
      }
      const choice = chunk.choices?.find((candidate) => (candidate.index ?? 0) === 0);
      if (!choice) continue;
      const delta = choice.delta ?? {};
      const reasoning = delta.reasoning_content ?? delta.reasoning;
      if (reasoning) {
        thinking += reasoning;
        yield { type: "thinking", delta: reasoning };
      }
      if (delta.content) {
        text += delta.content;
        yield { type: "text", delta: delta.content };
      }
      for (const [position, piece] of (delta.tool_calls ?? []).entries()) {
        const index = piece.index ?? position;
        const call = (calls[index] ??= { id: "", name: "", args: "" });
        if (piece.id && !call.id) call.id = piece.id;
        if (piece.function?.name && !call.name) call.name = piece.function.name;
        call.args += piece.function?.arguments ?? "";
      }
      if (choice.finish_reason) {
        finish = choice.finish_reason;
        yield* emitCalls();
      }
    }
    if (!done && finish === undefined) throw new ProviderNetworkError(id, request.model, "stream ended before [DONE]");
    yield* emitCalls();
    if (usage) yield { type: "usage", usage };
    let reason = FINISH_REASONS[finish ?? "stop"] ?? "end_turn";
    if (reason === "end_turn" && calls.some(Boolean)) reason = "tool_use";
    const content: ContentBlock[] = [];
    if (thinking) content.push({ type: "thinking", thinking });
    if (text) content.push({ type: "text", text });
    for (const call of calls) {
      if (call) content.push({ type: "tool_use", id: call.id, name: call.name, input: call.input });
    }
    yield { type: "stop", reason, message: { role: "assistant", content } };
  }

  return { id, stream };
}

/** Builds the `/chat/completions` request body (agent.md §4.3). */
export function buildOpenAIBody(request: ModelRequest, maxTokensField: "max_tokens" | "max_completion_tokens" = "max_tokens"): Record<string, unknown> {
  const messages: WireMessage[] = [];
  if (request.system) messages.push({ role: "system", content: request.system });
  for (const message of request.messages) messages.push(...toWireMessages(message));
  const body: Record<string, unknown> = {
    model: request.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    [maxTokensField]: request.maxTokens,
  };
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: "function",
      function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
    }));
  }
  return body;
}

/** One ChatMessage → OpenAI messages: tool results become `role:"tool"` messages, first. */
function toWireMessages(message: ChatMessage): WireMessage[] {
  if (message.role === "assistant") {
    const text = message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
    const toolCalls = message.content.flatMap((block) =>
      block.type === "tool_use"
        ? [{ id: block.id, type: "function", function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } }]
        : [],
    );
    if (text === "" && toolCalls.length === 0) return [];
    return [{ role: "assistant", content: text === "" ? null : text, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) }];
  }
  const out: WireMessage[] = [];
  for (const block of message.content) {
    if (block.type === "tool_result") out.push({ role: "tool", tool_call_id: block.toolUseId, content: block.content });
  }
  const parts: Array<{ type: "text"; text: string } | { type: "image_url"; image_url: { url: string } }> = [];
  for (const block of message.content) {
    if (block.type === "text") parts.push({ type: "text", text: block.text });
    if (block.type === "image") parts.push({ type: "image_url", image_url: { url: `data:${block.mediaType};base64,${block.data}` } });
  }
  if (parts.length === 0) return out;
  const texts = parts.flatMap((part) => (part.type === "text" ? [part.text] : []));
  out.push({ role: "user", content: texts.length === parts.length ? texts.join("\n") : parts });
  return out;
}
