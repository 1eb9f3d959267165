/**
 * @module Model refs and the provider registry (agent.md §4.1): `provider/model` refs, providers
 * resolved from `models.providers` and the environment, failover across the configured models.
 */
import { createAnthropicProvider } from "./anthropic.ts";
import { ProviderConfigError, failoverReason, isAbortError, type FailoverReason } from "./errors.ts";
import type { FetchLike } from "./http.ts";
import { createOpenAIProvider } from "./openai.ts";
import { streamWithRetries, type RetryOptions } from "./retry.ts";
import type { ModelEvent, ModelProvider, ModelRequest } from "./types.ts";

/** A parsed `provider/model` ref. */
export interface ModelRef {
  provider: string;
  /** Model id at the provider; may itself contain `/` (`anthropic/claude-sonnet-4-5` at openrouter). */
  model: string;
}

/** Wire format of a provider. */
export type ProviderApi = "anthropic-messages" | "openai-completions";

/** One `models.providers.<id>` entry (the validated config type fits). */
export interface ProviderEntry {
  baseUrl?: string;
  apiKey?: string;
  api?: ProviderApi;
  models?: Array<{ id: string; name?: string; contextWindow?: number; maxTokens?: number; reasoning?: boolean }>;
}

/** The parts of the Mayros config the registry reads; a validated `MayrosConfig` fits. */
export interface ProvidersConfig {
  models?: { providers?: Record<string, ProviderEntry> };
  agents?: { defaults?: { model?: { primary?: string; fallbacks?: string[] } } };
}

/** How a provider id resolved. */
export interface ProviderSettings {
  id: string;
  api: ProviderApi;
  baseUrl: string;
  apiKey: string | undefined;
}

/** Resolves provider ids to providers (created once per id). */
export interface ProviderRegistry {
  /**
   * The provider for `id`.
   * @throws {ProviderConfigError} unknown provider without a baseUrl, or a bad baseUrl.
   */
  get(id: string): ModelProvider;
  /** How `id` resolves (baseUrl, api, key), without creating it. @throws {ProviderConfigError} as `get`. */
  resolve(id: string): ProviderSettings;
}

/** Options of {@link createProviderRegistry}. */
export interface ProviderRegistryOptions {
  config: ProvidersConfig;
  /** Environment for keys, base URLs and `${ENV}` expansion; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Injectable `fetch` handed to every provider. */
  fetch?: FetchLike;
}

/** One entry of `models.list`. */
export interface ModelListEntry {
  /** `provider/model`. */
  id: string;
  name: string;
  provider: string;
  contextWindow?: number;
  reasoning?: boolean;
}

/** Options of {@link streamWithFallbacks}: retry options plus a failover hook. */
export interface FallbackOptions extends RetryOptions {
  /** Called when a model failed and the next one is tried. */
  onFallback?: (info: { from: string; to: string; reason: FailoverReason; error: unknown }) => void;
}

const BUILT_IN: Record<string, { api: ProviderApi; envBaseUrl: string; baseUrl: string }> = {
  anthropic: { api: "anthropic-messages", envBaseUrl: "ANTHROPIC_BASE_URL", baseUrl: "https://api.anthropic.com" },
  openai: { api: "openai-completions", envBaseUrl: "OPENAI_BASE_URL", baseUrl: "https://api.openai.com/v1" },
};

/**
 * Splits a ref at the **first** `/`: `openrouter/anthropic/claude` → `{provider: "openrouter", model: "anthropic/claude"}`.
 * @throws {ProviderConfigError} no `/`, or an empty side.
 */
export function parseModelRef(ref: string): ModelRef {
  const slash = ref.indexOf("/");
  const provider = slash === -1 ? "" : ref.slice(0, slash).trim();
  const model = slash === -1 ? "" : ref.slice(slash + 1).trim();
  if (provider === "" || model === "") throw new ProviderConfigError(`invalid model ref "${ref}": expected provider/model`);
  return { provider, model };
}

/**
 * Creates the registry. Per provider id: `baseUrl` from `models.providers.<id>.baseUrl`, else
 * `ANTHROPIC_BASE_URL`/`OPENAI_BASE_URL` (ids `anthropic`/`openai`, defaulting to the public APIs);
 * `apiKey` from config (with `${ENV}` expansion), else `<ID>_API_KEY`; `api` from config, else
 * `anthropic-messages` for `anthropic` and `openai-completions` otherwise. Nothing is resolved
 * until a provider is asked for.
 */
export function createProviderRegistry(options: ProviderRegistryOptions): ProviderRegistry {
  const { config, env = process.env, fetch: fetchImpl } = options;
  const cache = new Map<string, ModelProvider>();

  function resolve(id: string): ProviderSettings {
    const entry = config.models?.providers?.[id];
    const builtIn = BUILT_IN[id];
    const configured = expand(entry?.baseUrl, env);
    const baseUrl = configured ?? (builtIn ? nonEmpty(env[builtIn.envBaseUrl]) ?? builtIn.baseUrl : undefined);
    if (baseUrl === undefined) {
      throw new ProviderConfigError(
        entry
          ? `models.providers.${id}.baseUrl: required for model provider "${id}"`
          : `unknown model provider "${id}": add models.providers.${id} with a baseUrl`,
      );
    }
    if (!/^https?:\/\/[^/]/i.test(baseUrl)) {
      throw new ProviderConfigError(`models.providers.${id}.baseUrl: expected an http(s) URL`);
    }
    const apiKey = expand(entry?.apiKey, env) ?? nonEmpty(env[`${id.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_API_KEY`]);
    const api = entry?.api ?? builtIn?.api ?? "openai-completions";
    return { id, api, baseUrl: baseUrl.replace(/\/+$/, ""), apiKey };
  }

  function get(id: string): ModelProvider {
    const cached = cache.get(id);
    if (cached) return cached;
    const { api, baseUrl, apiKey } = resolve(id);
    const common = { id, baseUrl, ...(apiKey ? { apiKey } : {}), ...(fetchImpl ? { fetch: fetchImpl } : {}) };
    const provider =
      api === "anthropic-messages"
        ? createAnthropicProvider(common)
        : createOpenAIProvider({ ...common, maxTokensField: new URL(baseUrl).host === "api.openai.com" ? "max_completion_tokens" : "max_tokens" });
    cache.set(id, provider);
    return provider;
  }

  return { get, resolve };
}

/**
 * Streams `request` through the first ref, then each next one when a ref fails before any event
 * with an auth, billing, rate-limit (after retries), overloaded, timeout or network error
 * ({@link failoverReason}). A 400-class request error, an abort, or a failure after partial
 * output is thrown at once; when every ref fails the last error is thrown.
 *
 * @param refs `provider/model` refs, primary first (see {@link configuredModelRefs}).
 * @param options Retry options per ref, plus `onFallback`.
 * @throws {ProviderConfigError} a bad ref or unknown provider; else the provider's error.
 */
export async function* streamWithFallbacks(
  registry: ProviderRegistry,
  refs: readonly string[],
  request: Omit<ModelRequest, "model">,
  options: FallbackOptions = {},
): AsyncGenerator<ModelEvent, void, undefined> {
  if (refs.length === 0) throw new ProviderConfigError("no model configured: set agents.defaults.model.primary");
  for (const [index, ref] of refs.entries()) {
    const { provider: providerId, model } = parseModelRef(ref);
    const provider = registry.get(providerId);
    let yielded = false;
    try {
      for await (const event of streamWithRetries(provider, { ...request, model }, options)) {
        yielded = true;
        yield event;
      }
      return;
    } catch (error) {
      const next = refs[index + 1];
      const reason = failoverReason(error);
      if (yielded || next === undefined || reason === undefined || request.signal?.aborted || isAbortError(error)) throw error;
      options.onFallback?.({ from: ref, to: next, reason, error });
    }
  }
}

/** `[primary, ...fallbacks]` of `agents.defaults.model`, without duplicates. */
export function configuredModelRefs(config: ProvidersConfig): string[] {
  const model = config.agents?.defaults?.model;
  const refs = [model?.primary, ...(model?.fallbacks ?? [])].filter((ref): ref is string => typeof ref === "string" && ref !== "");
  return [...new Set(refs)];
}

/**
 * The models of `models.list`: every `models.providers.<id>.models[]` entry, then the configured
 * primary and fallbacks not already listed (name = the model id).
 */
export function listModels(config: ProvidersConfig): ModelListEntry[] {
  const out: ModelListEntry[] = [];
  const seen = new Set<string>();
  for (const [provider, entry] of Object.entries(config.models?.providers ?? {})) {
    for (const model of entry.models ?? []) {
      const id = `${provider}/${model.id}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({
        id,
        name: model.name ?? model.id,
        provider,
        ...(model.contextWindow !== undefined ? { contextWindow: model.contextWindow } : {}),
        ...(model.reasoning !== undefined ? { reasoning: model.reasoning } : {}),
      });
    }
  }
  for (const ref of configuredModelRefs(config)) {
    if (seen.has(ref)) continue;
    let parsed: ModelRef;
    try {
      parsed = parseModelRef(ref);
    } catch {
      continue;
    }
    seen.add(ref);
    out.push({ id: ref, name: parsed.model, provider: parsed.provider });
  }
  return out;
}

/** Expands `${NAME}` from `env`; an empty result counts as unset. */
function expand(value: string | undefined, env: Record<string, string | undefined>): string | undefined {
  if (value === undefined) return undefined;
  return nonEmpty(value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => env[name] ?? ""));
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
