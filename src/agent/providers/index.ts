/** @module Model providers: Anthropic Messages and OpenAI-compatible streaming, retries, refs and failover. */
export type {
  ChatMessage,
  ContentBlock,
  ModelEvent,
  ModelProvider,
  ModelRequest,
  StopReason,
  ToolSpec,
  Usage,
} from "./types.ts";
export { parseSse } from "./sse.ts";
export type { ParseSseOptions, SseEvent } from "./sse.ts";
export {
  ProviderConfigError,
  ProviderError,
  ProviderNetworkError,
  failoverReason,
  isAbortError,
  isProviderError,
  isProviderNetworkError,
  parseRetryAfter,
  redactSecret,
} from "./errors.ts";
export type { FailoverReason, ProviderErrorInit } from "./errors.ts";
export type { FetchLike } from "./http.ts";
export { ANTHROPIC_VERSION, buildAnthropicBody, createAnthropicProvider } from "./anthropic.ts";
export type { AnthropicProviderOptions } from "./anthropic.ts";
export { buildOpenAIBody, createOpenAIProvider } from "./openai.ts";
export type { OpenAIProviderOptions } from "./openai.ts";
export { isRetryable, streamWithRetries, withRetries } from "./retry.ts";
export type { RetryOptions } from "./retry.ts";
export {
  configuredModelRefs,
  createProviderRegistry,
  listModels,
  parseModelRef,
  streamWithFallbacks,
} from "./registry.ts";
export type {
  FallbackOptions,
  ModelListEntry,
  ModelRef,
  ProviderApi,
  ProviderEntry,
  ProviderRegistry,
  ProviderRegistryOptions,
  ProviderSettings,
  ProvidersConfig,
} from "./registry.ts";
