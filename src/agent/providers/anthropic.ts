/**
 * @module The Anthropic Messages provider (agent.md §4.2): `POST {baseUrl}/v1/messages` with
 * `stream: true`, parsed from the SSE events into provider-neutral ModelEvents.
 */
import { ProviderError, ProviderNetworkError, redactSecret } from "./errors.ts";
import { checkProviderOptions, postSse, type FetchLike } from "./http.ts";
import type { ChatMessage, ContentBlock, ModelEvent, ModelProvider, ModelRequest, StopReason, ToolSpec, Usage } from "./types.ts";

/** Options of {@link createAnthropicProvider}. */
export interface AnthropicProviderOptions {
  /** Provider id used in refs and messages (`anthropic`). */
  id: string;
  /** API root without `/v1` (`https://api.anthropic.com`). */
  baseUrl: string;
  /** Sent as `x-api-key`; omitted when unset (the provider then answers 401). */
  apiKey?: string;
  /** Injectable `fetch`; default the global one. */
  fetch?: FetchLike;
}

/** The `anthropic-version` header we speak. */
export const ANTHROPIC_VERSION = "2023-06-01";

type WireBlock = Record<string, unknown>;

/** The streamed events we read (hand-copied from `@anthropic-ai/sdk` resources/messages). */
interface WireUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}
interface WireStreamEvent {
  type?: string;
  index?: number;
  message?: { usage?: WireUsage };
  content_block?: { type?: string; text?: string; thinking?: string; signature?: string; id?: string; name?: string; input?: unknown };
  delta?: { type?: string; text?: string; thinking?: string; signature?: string; partial_json?: string; stop_reason?: string | null };
  usage?: WireUsage;
  error?: { type?: string; message?: string };
}
type Block =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "tool_use"; id: string; name: string; json: string; input: unknown }
  | { type: "ignored" };

const STOP_REASONS: Record<string, StopReason> = {
  end_turn: "end_turn",
  tool_use: "tool_use",
  max_tokens: "max_tokens",
  stop_sequence: "stop_sequence",
  refusal: "refusal",
  pause_turn: "end_turn",
  model_context_window_exceeded: "max_tokens",
};

/**
 * Creates a provider for the Anthropic Messages API (and compatible proxies).
 * @param options `id`, `baseUrl`, `apiKey`, `fetch` (default global `fetch`).
 * @throws {ProviderConfigError} empty `id` or a `baseUrl` that is not http(s).
 * @throws {ProviderError} (from `stream`) the API refused the call, or sent an `error` event.
 * @throws {ProviderNetworkError} (from `stream`) unreachable, or cut before `message_stop`.
 * @example
 * const claude = createAnthropicProvider({ id: "anthropic", baseUrl: "https://api.anthropic.com", apiKey });
 * for await (const event of claude.stream(request)) if (event.type === "text") write(event.delta);
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  const { id, apiKey } = options;
  const baseUrl = checkProviderOptions("createAnthropicProvider", id, options.baseUrl);
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));

  async function* stream(request: ModelRequest): AsyncGenerator<ModelEvent, void, undefined> {
    const headers: Record<string, string> = { "anthropic-version": ANTHROPIC_VERSION };
    if (apiKey) headers["x-api-key"] = apiKey;
    const events = postSse({
      provider: id,
      model: request.model,
      url: `${baseUrl}/v1/messages`,
      headers,
      body: buildAnthropicBody(request),
      fetch: fetchImpl,
      signal: request.signal,
      apiKey,
    });
    const blocks: Block[] = [];
    const usage: Usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 };
    let stopReason: StopReason = "end_turn";
    for await (const { event, data } of events) {
      let payload: WireStreamEvent;
      try {
        payload = JSON.parse(data) as WireStreamEvent;
      } catch (error) {
        throw new ProviderNetworkError(id, request.model, `unparsable ${event ?? "message"} event`, { cause: error });
      }
      switch (event ?? payload.type) {
        case "message_start":
          readUsage(usage, payload.message?.usage);
          break;
        case "content_block_start": {
          const block = payload.content_block ?? {};
          const index = Number(payload.index);
          if (block.type === "text") {
            blocks[index] = { type: "text", text: String(block.text ?? "") };
            if (block.text) yield { type: "text", delta: block.text };
          } else if (block.type === "thinking") {
            blocks[index] = { type: "thinking", thinking: String(block.thinking ?? ""), signature: String(block.signature ?? "") };
          } else if (block.type === "tool_use") {
            blocks[index] = { type: "tool_use", id: String(block.id), name: String(block.name), json: "", input: block.input ?? {} };
          } else {
            blocks[index] = { type: "ignored" };
          }
          break;
        }
        case "content_block_delta": {
          const block = blocks[Number(payload.index)];
          const delta = payload.delta ?? {};
          if (block?.type === "text" && delta.type === "text_delta") {
            block.text += delta.text ?? "";
            yield { type: "text", delta: delta.text ?? "" };
          } else if (block?.type === "thinking" && delta.type === "thinking_delta") {
            block.thinking += delta.thinking ?? "";
            yield { type: "thinking", delta: delta.thinking ?? "" };
          } else if (block?.type === "thinking" && delta.type === "signature_delta") {
            block.signature += delta.signature ?? "";
          } else if (block?.type === "tool_use" && delta.type === "input_json_delta") {
            block.json += delta.partial_json ?? "";
          }
          break;
        }
        case "content_block_stop": {
          const block = blocks[Number(payload.index)];
          if (block?.type !== "tool_use") break;
          try {
            block.input = block.json.trim() === "" ? block.input : JSON.parse(block.json);
          } catch {
            throw new ProviderError({ provider: id, model: request.model, type: "invalid_tool_input", message: `tool ${block.name} (${block.id}) input is not JSON` });
          }
          yield { type: "tool_call", id: block.id, name: block.name, input: block.input };
          break;
        }
        case "message_delta":
          if (payload.delta?.stop_reason) stopReason = STOP_REASONS[payload.delta.stop_reason] ?? "end_turn";
          readUsage(usage, payload.usage);
          break;
        case "message_stop":
          yield { type: "usage", usage };
          yield { type: "stop", reason: stopReason, message: { role: "assistant", content: toContent(blocks) } };
          return;
        case "error": {
          const error = payload.error ?? {};
          throw new ProviderError({
            provider: id,
            model: request.model,
            type: typeof error.type === "string" ? error.type : "error",
            message: redactSecret(String(error.message ?? "error event"), apiKey),
          });
        }
        default:
          // `ping` and event types added later are ignored.
          break;
      }
    }
    throw new ProviderNetworkError(id, request.model, "stream ended before message_stop");
  }

  return { id, stream };
}

/** Builds the `/v1/messages` request body (agent.md §4.2). */
export function buildAnthropicBody(request: ModelRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: request.maxTokens,
    messages: request.messages.map(toWireMessage).filter((message) => message.content.length > 0),
    stream: true,
  };
  if (request.system) body.system = request.system;
  if (request.tools.length > 0) body.tools = request.tools.map(toWireTool);
  if (request.thinkingBudget !== undefined && request.thinkingBudget > 0) {
    body.thinking = { type: "enabled", budget_tokens: request.thinkingBudget };
  }
  return body;
}

function toWireTool(tool: ToolSpec): WireBlock {
  return { name: tool.name, description: tool.description, input_schema: tool.inputSchema };
}

function toWireMessage(message: ChatMessage): { role: string; content: WireBlock[] } {
  return { role: message.role, content: message.content.flatMap(toWireBlock) };
}

function toWireBlock(block: ContentBlock): WireBlock[] {
  switch (block.type) {
    case "text":
      return block.text === "" ? [] : [{ type: "text", text: block.text }];
    case "thinking":
      // Thinking goes back unchanged with its signature; unsigned thinking (from another provider) cannot.
      return block.signature ? [{ type: "thinking", thinking: block.thinking, signature: block.signature }] : [];
    case "image":
      return [{ type: "image", source: { type: "base64", media_type: block.mediaType, data: block.data } }];
    case "tool_use":
      return [{ type: "tool_use", id: block.id, name: block.name, input: block.input ?? {} }];
    case "tool_result":
      return [{ type: "tool_result", tool_use_id: block.toolUseId, content: block.content, ...(block.isError ? { is_error: true } : {}) }];
  }
}

function readUsage(usage: Usage, wire: WireUsage | undefined): void {
  if (!wire) return;
  if (typeof wire.input_tokens === "number") usage.input = wire.input_tokens;
  if (typeof wire.output_tokens === "number") usage.output = wire.output_tokens;
  if (typeof wire.cache_read_input_tokens === "number") usage.cacheRead = wire.cache_read_input_tokens;
  if (typeof wire.cache_creation_input_tokens === "number") usage.cacheWrite = wire.cache_creation_input_tokens;
}

function toContent(blocks: Block[]): ContentBlock[] {
  const content: ContentBlock[] = [];
  for (const block of blocks) {
    if (block === undefined) continue;
    if (block.type === "text") content.push({ type: "text", text: block.text });
    else if (block.type === "thinking") content.push({ type: "thinking", thinking: block.thinking, ...(block.signature ? { signature: block.signature } : {}) });
    else if (block.type === "tool_use") content.push({ type: "tool_use", id: block.id, name: block.name, input: block.input });
  }
  return content;
}
