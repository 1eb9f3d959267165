import { describe, expect, it } from "bun:test";
import { ProviderConfigError, ProviderError, ProviderNetworkError } from "../../../src/agent/providers/errors.ts";
import {
  configuredModelRefs,
  createProviderRegistry,
  listModels,
  parseModelRef,
  streamWithFallbacks,
  type ProviderRegistry,
  type ProvidersConfig,
} from "../../../src/agent/providers/registry.ts";
import type { ModelEvent, ModelProvider, ModelRequest } from "../../../src/agent/providers/types.ts";
import type { MayrosConfig } from "../../../src/config/schema.ts";
import { collect, request, scriptedFetch } from "./helpers.ts";

/** Compile-time check: a validated config can be handed to the registry as is. */
void ((config: MayrosConfig): ProvidersConfig => config);

describe("parseModelRef", () => {
  it("should split at the first slash", () => {
    expect(parseModelRef("openrouter/anthropic/claude-sonnet-4-5")).toEqual({ provider: "openrouter", model: "anthropic/claude-sonnet-4-5" });
    expect(parseModelRef("anthropic/claude-opus-4")).toEqual({ provider: "anthropic", model: "claude-opus-4" });
  });

  it("should refuse refs without a provider or a model", () => {
    for (const ref of ["claude", "/claude", "anthropic/", ""]) {
      expect(() => parseModelRef(ref)).toThrow(new ProviderConfigError(`invalid model ref "${ref}": expected provider/model`));
    }
  });
});

describe("createProviderRegistry", () => {
  it("should default anthropic and openai to the public APIs and their env keys", () => {
    const registry = createProviderRegistry({ config: {}, env: { ANTHROPIC_API_KEY: "a-key", OPENAI_API_KEY: "o-key" } });
    expect(registry.resolve("anthropic")).toEqual({ id: "anthropic", api: "anthropic-messages", baseUrl: "https://api.anthropic.com", apiKey: "a-key" });
    expect(registry.resolve("openai")).toEqual({ id: "openai", api: "openai-completions", baseUrl: "https://api.openai.com/v1", apiKey: "o-key" });
  });

  it("should take base URLs from ANTHROPIC_BASE_URL / OPENAI_BASE_URL, config winning over env", () => {
    const env = { ANTHROPIC_BASE_URL: "http://proxy.invalid:8080/", OPENAI_BASE_URL: "http://env.invalid/v1" };
    const registry = createProviderRegistry({ config: { models: { providers: { openai: { baseUrl: "http://config.invalid/v1" } } } }, env });
    expect(registry.resolve("anthropic").baseUrl).toBe("http://proxy.invalid:8080");
    expect(registry.resolve("openai").baseUrl).toBe("http://config.invalid/v1");
  });

  it("should expand ${ENV} in apiKey and fall back to <ID>_API_KEY", () => {
    const config = {
      models: {
        providers: {
          openrouter: { baseUrl: "https://openrouter.invalid/api/v1", apiKey: "${MY_OR_KEY}" },
          "lm-studio": { baseUrl: "http://localhost:1234/v1" },
          vllm: { baseUrl: "http://localhost:8000/v1", apiKey: "${UNSET_VAR}" },
          local: { baseUrl: "http://localhost:9000", api: "anthropic-messages" as const, apiKey: "literal-key" },
        },
      },
    };
    const env = { MY_OR_KEY: "or-123", LM_STUDIO_API_KEY: "lm-456", VLLM_API_KEY: "vllm-789" };
    const registry = createProviderRegistry({ config, env });
    expect(registry.resolve("openrouter")).toEqual({ id: "openrouter", api: "openai-completions", baseUrl: "https://openrouter.invalid/api/v1", apiKey: "or-123" });
    expect(registry.resolve("lm-studio").apiKey).toBe("lm-456");
    expect(registry.resolve("vllm").apiKey).toBe("vllm-789");
    expect(registry.resolve("local")).toMatchObject({ api: "anthropic-messages", apiKey: "literal-key" });
    expect(registry.get("local")).toBe(registry.get("local"));
    expect(registry.get("lm-studio").id).toBe("lm-studio");
  });

  it("should name the missing baseUrl of an unknown or incomplete provider", () => {
    const registry = createProviderRegistry({ config: { models: { providers: { groq: { apiKey: "k" }, bad: { baseUrl: "ftp://x" } } } }, env: {} });
    expect(() => registry.get("mystery")).toThrow(new ProviderConfigError('unknown model provider "mystery": add models.providers.mystery with a baseUrl'));
    expect(() => registry.get("groq")).toThrow(new ProviderConfigError('models.providers.groq.baseUrl: required for model provider "groq"'));
    expect(() => registry.get("bad")).toThrow(new ProviderConfigError("models.providers.bad.baseUrl: expected an http(s) URL"));
  });

  it("should send max_completion_tokens to api.openai.com only", async () => {
    const { fetch, calls } = scriptedFetch(["data: [DONE]\n\n"]);
    const registry = createProviderRegistry({ config: { models: { providers: { ollama: { baseUrl: "http://127.0.0.1:11434/v1" } } } }, env: { OPENAI_API_KEY: "k" }, fetch });
    await collect(registry.get("openai").stream(request()));
    await collect(registry.get("ollama").stream(request()));
    expect(calls.map((call) => [call.url, call.body.max_completion_tokens, call.body.max_tokens])).toEqual([
      ["https://api.openai.com/v1/chat/completions", 256, undefined],
      ["http://127.0.0.1:11434/v1/chat/completions", undefined, 256],
    ]);
  });
});

/** A registry of stub providers: each id plays its outcome. */
function stubRegistry(outcomes: Record<string, { events?: ModelEvent[]; error?: unknown }>): { registry: ProviderRegistry; calls: string[] } {
  const calls: string[] = [];
  const registry: ProviderRegistry = {
    resolve: (id) => ({ id, api: "openai-completions", baseUrl: "http://stub.invalid", apiKey: undefined }),
    get: (id): ModelProvider => ({
      id,
      async *stream(req: ModelRequest) {
        calls.push(`${id}/${req.model}`);
        const outcome = outcomes[id];
        if (!outcome) throw new ProviderConfigError(`unknown model provider "${id}"`);
        yield* outcome.events ?? [];
        if (outcome.error !== undefined) throw outcome.error;
      },
    }),
  };
  return { registry, calls };
}

const OK: ModelEvent[] = [{ type: "text", delta: "ok" }, { type: "stop", reason: "end_turn", message: { role: "assistant", content: [{ type: "text", text: "ok" }] } }];
const noWait = { sleep: async () => {} };
const { model: _model, ...neutral } = request();

describe("streamWithFallbacks", () => {
  it("should move on after network errors and rate limits that outlast retries", async () => {
    const limited = new ProviderError({ provider: "b", model: "m", status: 429, message: "slow" });
    const { registry, calls } = stubRegistry({ a: { error: new ProviderNetworkError("a", "m", "could not reach the provider") }, b: { error: limited }, c: { events: OK } });
    const { events, error } = await collect(streamWithFallbacks(registry, ["a/m", "b/m", "c/m"], neutral, { retries: 1, ...noWait }));
    expect(error).toBeUndefined();
    expect(events).toEqual(OK);
    expect(calls).toEqual(["a/m", "a/m", "b/m", "b/m", "c/m"]);
  });

  it("should throw the last error when every model fails", async () => {
    const last = new ProviderError({ provider: "b", model: "m", status: 403, message: "forbidden" });
    const { registry } = stubRegistry({ a: { error: new ProviderError({ provider: "a", model: "m", status: 401, message: "no" }) }, b: { error: last } });
    expect((await collect(streamWithFallbacks(registry, ["a/m", "b/m"], neutral, noWait))).error).toBe(last);
  });

  it("should not fall back after partial output, on a 400, or on abort", async () => {
    const cut = new ProviderNetworkError("a", "m", "connection lost mid-stream");
    const partial = stubRegistry({ a: { events: [{ type: "text", delta: "Hel" }], error: cut }, b: { events: OK } });
    expect((await collect(streamWithFallbacks(partial.registry, ["a/m", "b/m"], neutral, noWait))).error).toBe(cut);
    expect(partial.calls).toEqual(["a/m"]);

    const invalid = new ProviderError({ provider: "a", model: "m", status: 400, type: "invalid_request_error", message: "bad" });
    const refused = stubRegistry({ a: { error: invalid }, b: { events: OK } });
    expect((await collect(streamWithFallbacks(refused.registry, ["a/m", "b/m"], neutral, noWait))).error).toBe(invalid);
    expect(refused.calls).toEqual(["a/m"]);

    const aborted = new DOMException("The operation was aborted.", "AbortError");
    const stopped = stubRegistry({ a: { error: aborted }, b: { events: OK } });
    expect((await collect(streamWithFallbacks(stopped.registry, ["a/m", "b/m"], neutral, noWait))).error).toBe(aborted);
    expect(stopped.calls).toEqual(["a/m"]);
  });

  it("should refuse an empty ref list", async () => {
    const { registry } = stubRegistry({});
    const { error } = await collect(streamWithFallbacks(registry, [], neutral));
    expect(error).toEqual(new ProviderConfigError("no model configured: set agents.defaults.model.primary"));
  });
});

describe("listModels", () => {
  it("should list configured models, then the primary and fallbacks not already listed", () => {
    const config = {
      models: {
        providers: {
          ollama: { baseUrl: "http://127.0.0.1:11434/v1", models: [{ id: "qwen3:8b", name: "Qwen 3", contextWindow: 32768, reasoning: true }] },
          openrouter: { models: [{ id: "anthropic/claude-sonnet-4-5" }] },
        },
      },
      agents: { defaults: { model: { primary: "anthropic/claude-sonnet-4-5", fallbacks: ["ollama/qwen3:8b", "openai/gpt-5", "anthropic/claude-sonnet-4-5"] } } },
    };
    expect(listModels(config)).toEqual([
      { id: "ollama/qwen3:8b", name: "Qwen 3", provider: "ollama", contextWindow: 32768, reasoning: true },
      { id: "openrouter/anthropic/claude-sonnet-4-5", name: "anthropic/claude-sonnet-4-5", provider: "openrouter" },
      { id: "anthropic/claude-sonnet-4-5", name: "claude-sonnet-4-5", provider: "anthropic" },
      { id: "openai/gpt-5", name: "gpt-5", provider: "openai" },
    ]);
    expect(configuredModelRefs(config)).toEqual(["anthropic/claude-sonnet-4-5", "ollama/qwen3:8b", "openai/gpt-5"]);
  });
});
