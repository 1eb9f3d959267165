/**
 * @module The provider-neutral model interface: messages in, a stream of normalized events out.
 * Anthropic Messages, OpenAI Chat Completions and compatible endpoints all map onto it.
 */

/** A block of message content. */
export type ContentBlock =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature?: string }
  | { type: "image"; mediaType: string; data: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: "tool_result"; toolUseId: string; content: string; isError?: boolean };

/** An image: `mediaType` (`image/png`, `image/jpeg`, `image/gif` or `image/webp`) and base64 `data`. */
export type ImageBlock = Extract<ContentBlock, { type: "image" }>;

/** One turn of the conversation sent to a model. `tool_result` blocks travel in `user` messages. */
export interface ChatMessage {
  role: "user" | "assistant";
  content: ContentBlock[];
}

/** A tool the model may call. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's input object. */
  inputSchema: Record<string, unknown>;
}

/** Token accounting of one model call. */
export interface Usage {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Why the model stopped. */
export type StopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "refusal" | "error" | "aborted";

/** What a model call streams, in order. */
export type ModelEvent =
  | { type: "text"; delta: string }
  | { type: "thinking"; delta: string }
  | { type: "tool_call"; id: string; name: string; input: unknown }
  | { type: "usage"; usage: Usage }
  | { type: "stop"; reason: StopReason; message: ChatMessage };

/** One model call. */
export interface ModelRequest {
  /** Model id at the provider (the part after `provider/`). */
  model: string;
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  maxTokens: number;
  /** Extended thinking budget in tokens, when the model supports it. */
  thinkingBudget?: number;
  signal?: AbortSignal;
}

/** A configured provider: streams one model call. */
export interface ModelProvider {
  readonly id: string;
  /** Streams the call; the last event is always `stop` (or the iterator throws a ProviderError). */
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
}
