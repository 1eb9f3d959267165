import { describe, expect, it } from "bun:test";
import { ProviderConfigError, ProviderError } from "../../../src/agent/providers/errors.ts";
import { buildOpenAIBody, createOpenAIProvider } from "../../../src/agent/providers/openai.ts";
import { collect, request, scriptedFetch } from "./helpers.ts";

const data = (choice: Record<string, unknown> | null, extra: Record<string, unknown> = {}): string =>
  `data: ${JSON.stringify({ id: "c", object: "chat.completion.chunk", choices: choice ? [{ index: 0, ...choice }] : [], ...extra })}\n\n`;
const DONE = "data: [DONE]\n\n";

describe("createOpenAIProvider", () => {
  it("should POST {baseUrl}/chat/completions with a Bearer key and streaming body", async () => {
    const { fetch, calls } = scriptedFetch([data({ delta: { content: "hi" }, finish_reason: "stop" }), DONE]);
    const provider = createOpenAIProvider({ id: "openrouter", baseUrl: "https://openrouter.example.invalid/api/v1/", apiKey: "or-key", fetch });
    await collect(provider.stream(request({ tools: [{ name: "read", description: "Read a file", inputSchema: { type: "object" } }] })));
    expect(calls[0]!.url).toBe("https://openrouter.example.invalid/api/v1/chat/completions");
    expect(calls[0]!.headers.authorization).toBe("Bearer or-key");
    expect(calls[0]!.body).toEqual({
      model: "fake-model",
      messages: [
        { role: "system", content: "You are terse." },
        { role: "user", content: "hi" },
      ],
      stream: true,
      stream_options: { include_usage: true },
      max_tokens: 256,
      tools: [{ type: "function", function: { name: "read", description: "Read a file", parameters: { type: "object" } } }],
    });
  });

  it("should omit Authorization without a key (Ollama) and use max_completion_tokens when asked", async () => {
    const { fetch, calls } = scriptedFetch([data({ delta: {}, finish_reason: "stop" }), DONE]);
    const provider = createOpenAIProvider({ id: "ollama", baseUrl: "http://127.0.0.1:11434/v1", fetch, maxTokensField: "max_completion_tokens" });
    await collect(provider.stream(request()));
    expect(calls[0]!.headers.authorization).toBeUndefined();
    expect(calls[0]!.body.max_completion_tokens).toBe(256);
    expect(calls[0]!.body.max_tokens).toBeUndefined();
  });

  it("should join interleaved tool-call pieces by index and read delta.reasoning", async () => {
    const { fetch } = scriptedFetch([
      data({ delta: { role: "assistant", reasoning: "plan" }, finish_reason: null }),
      data({ delta: { tool_calls: [{ index: 0, id: "a", type: "function", function: { name: "read", arguments: '{"p":' } }] }, finish_reason: null }),
      data({ delta: { tool_calls: [{ index: 1, id: "b", type: "function", function: { name: "list", arguments: "" } }] }, finish_reason: null }),
      data({ delta: { tool_calls: [{ index: 0, function: { arguments: "1}" } }] }, finish_reason: null }),
      data({ delta: {}, finish_reason: "stop" }),
      DONE,
    ]);
    const { events } = await collect(createOpenAIProvider({ id: "vllm", baseUrl: "http://x.invalid/v1", fetch }).stream(request()));
    expect(events).toEqual([
      { type: "thinking", delta: "plan" },
      { type: "tool_call", id: "a", name: "read", input: { p: 1 } },
      { type: "tool_call", id: "b", name: "list", input: {} },
      {
        type: "stop",
        reason: "tool_use",
        message: {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "plan" },
            { type: "tool_use", id: "a", name: "read", input: { p: 1 } },
            { type: "tool_use", id: "b", name: "list", input: {} },
          ],
        },
      },
    ]);
  });

  it("should finish without usage when the server ignores stream_options and omits [DONE] after a finish_reason", async () => {
    const { fetch } = scriptedFetch([data({ delta: { content: "ok" }, finish_reason: "length" })]);
    const { events, error } = await collect(createOpenAIProvider({ id: "lmstudio", baseUrl: "http://x.invalid/v1", fetch }).stream(request()));
    expect(error).toBeUndefined();
    expect(events.map((event) => event.type)).toEqual(["text", "stop"]);
    expect(events.at(-1)).toMatchObject({ reason: "max_tokens" });
  });

  it("should raise ProviderError for an error chunk and for an error status", async () => {
    const chunk = scriptedFetch([data({ delta: { content: "par" }, finish_reason: null }), `data: ${JSON.stringify({ error: { message: "upstream died", code: 502 } })}\n\n`]);
    const streamed = await collect(createOpenAIProvider({ id: "openrouter", baseUrl: "http://x.invalid/v1", fetch: chunk.fetch }).stream(request()));
    expect((streamed.error as Error).message).toBe("openrouter/fake-model failed (502): upstream died");
    expect(streamed.error).toMatchObject({ status: 502, retryable: true });

    const body = JSON.stringify({ error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded", param: null } });
    const status = scriptedFetch(body, { status: 429, headers: { "retry-after": "2" } });
    const refused = await collect(createOpenAIProvider({ id: "openai", baseUrl: "http://x.invalid/v1", apiKey: "k", fetch: status.fetch }).stream(request()));
    expect(refused.error).toBeInstanceOf(ProviderError);
    expect(refused.error).toMatchObject({ status: 429, type: "rate_limit_exceeded", retryable: true, retryAfterMs: 2000 });
  });

  it("should read an Ollama-style string error body", async () => {
    const { fetch } = scriptedFetch(JSON.stringify({ error: "model \"qwen\" not found, try pulling it first" }), { status: 404 });
    const { error } = await collect(createOpenAIProvider({ id: "ollama", baseUrl: "http://x.invalid/v1", fetch }).stream(request()));
    expect((error as Error).message).toBe('ollama/fake-model failed (404): model "qwen" not found, try pulling it first');
    expect((error as ProviderError).retryable).toBe(false);
  });
});

describe("createOpenAIProvider options", () => {
  it("should refuse a base URL that is not http(s), naming the factory and provider", () => {
    expect(() => createOpenAIProvider({ id: "lmstudio", baseUrl: "localhost:1234/v1" })).toThrow(
      new ProviderConfigError('createOpenAIProvider: baseUrl of provider "lmstudio" must be an http(s) URL'),
    );
  });
});

describe("buildOpenAIBody", () => {
  it("should put tool results as role tool messages before the user's text, images as data URLs, and drop thinking", () => {
    const body = buildOpenAIBody(
      request({
        system: "",
        messages: [
          { role: "user", content: [{ type: "text", text: "what is this" }, { type: "image", mediaType: "image/jpeg", data: "/9j/" }] },
          { role: "assistant", content: [{ type: "thinking", thinking: "hm", signature: "s" }, { type: "text", text: "Let me check." }, { type: "tool_use", id: "c1", name: "look", input: {} }] },
          { role: "user", content: [{ type: "tool_result", toolUseId: "c1", content: "a cat" }, { type: "text", text: "and?" }] },
          { role: "assistant", content: [{ type: "thinking", thinking: "only thinking" }] },
        ],
      }),
    );
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "what is this" }, { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/" } }] },
      { role: "assistant", content: "Let me check.", tool_calls: [{ id: "c1", type: "function", function: { name: "look", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c1", content: "a cat" },
      { role: "user", content: "and?" },
    ]);
    expect(body.tools).toBeUndefined();
  });
});
