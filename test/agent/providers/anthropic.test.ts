import { describe, expect, it } from "bun:test";
import { ANTHROPIC_VERSION, buildAnthropicBody, createAnthropicProvider } from "../../../src/agent/providers/anthropic.ts";
import { ProviderError } from "../../../src/agent/providers/errors.ts";
import { collect, request, scriptedFetch, stopOf } from "./helpers.ts";

const frame = (type: string, payload: Record<string, unknown> = {}): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
const START = frame("message_start", { message: { id: "m", role: "assistant", content: [], usage: { input_tokens: 4, output_tokens: 1 } } });
const END = [frame("message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: 9 } }), frame("message_stop")];

describe("createAnthropicProvider", () => {
  it("should POST {baseUrl}/v1/messages with the key, version and streaming body", async () => {
    const { fetch, calls } = scriptedFetch([START, ...END]);
    const provider = createAnthropicProvider({ id: "anthropic", baseUrl: "https://api.example.invalid/", apiKey: "k-1", fetch });
    await collect(provider.stream(request({ thinkingBudget: 1024, tools: [{ name: "read", description: "Read a file", inputSchema: { type: "object" } }] })));
    expect(calls[0]!.url).toBe("https://api.example.invalid/v1/messages");
    expect(calls[0]!.headers).toMatchObject({ "x-api-key": "k-1", "anthropic-version": ANTHROPIC_VERSION, "content-type": "application/json" });
    expect(calls[0]!.body).toEqual({
      model: "fake-model",
      max_tokens: 256,
      system: "You are terse.",
      messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
      tools: [{ name: "read", description: "Read a file", input_schema: { type: "object" } }],
      stream: true,
      thinking: { type: "enabled", budget_tokens: 1024 },
    });
  });

  it("should send no x-api-key header without a key", async () => {
    const { fetch, calls } = scriptedFetch([START, ...END]);
    await collect(createAnthropicProvider({ id: "proxy", baseUrl: "http://127.0.0.1:9", fetch }).stream(request()));
    expect(calls[0]!.headers["x-api-key"]).toBeUndefined();
  });

  it("should reassemble thinking with its signature and read cumulative usage", async () => {
    const { fetch } = scriptedFetch([
      START,
      frame("content_block_start", { index: 0, content_block: { type: "thinking", thinking: "", signature: "" } }),
      frame("content_block_delta", { index: 0, delta: { type: "thinking_delta", thinking: "hmm" } }),
      frame("content_block_delta", { index: 0, delta: { type: "signature_delta", signature: "EqQB" } }),
      frame("content_block_delta", { index: 0, delta: { type: "signature_delta", signature: "x==" } }),
      frame("content_block_stop", { index: 0 }),
      frame("content_block_start", { index: 1, content_block: { type: "redacted_thinking", data: "opaque" } }),
      frame("content_block_stop", { index: 1 }),
      frame("content_block_start", { index: 2, content_block: { type: "tool_use", id: "t1", name: "now", input: {} } }),
      frame("content_block_stop", { index: 2 }),
      frame("some_future_event", { index: 9 }),
      frame("message_delta", { delta: { stop_reason: "pause_turn" }, usage: { output_tokens: 20, cache_read_input_tokens: 3 } }),
      frame("message_stop"),
    ]);
    const { events } = await collect(createAnthropicProvider({ id: "anthropic", baseUrl: "http://x.invalid", apiKey: "k", fetch }).stream(request()));
    expect(events).toEqual([
      { type: "thinking", delta: "hmm" },
      { type: "tool_call", id: "t1", name: "now", input: {} },
      { type: "usage", usage: { input: 4, output: 20, cacheRead: 3, cacheWrite: 0 } },
      {
        type: "stop",
        reason: "end_turn",
        message: {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hmm", signature: "EqQBx==" },
            { type: "tool_use", id: "t1", name: "now", input: {} },
          ],
        },
      },
    ]);
  });

  it("should raise ProviderError for tool input that is not JSON", async () => {
    const { fetch } = scriptedFetch([
      START,
      frame("content_block_start", { index: 0, content_block: { type: "tool_use", id: "t1", name: "read", input: {} } }),
      frame("content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: '{"path": ' } }),
      frame("content_block_stop", { index: 0 }),
      ...END,
    ]);
    const { error } = await collect(createAnthropicProvider({ id: "anthropic", baseUrl: "http://x.invalid", apiKey: "k", fetch }).stream(request()));
    expect((error as Error).message).toBe("anthropic/fake-model failed (invalid_tool_input): tool read (t1) input is not JSON");
  });

  it("should turn an error status into a ProviderError with type, retryability and retry-after-ms", async () => {
    const body = JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
    const { fetch } = scriptedFetch(body, { status: 529, headers: { "retry-after-ms": "1500", "retry-after": "9" } });
    const { error } = await collect(createAnthropicProvider({ id: "anthropic", baseUrl: "http://x.invalid", apiKey: "k", fetch }).stream(request()));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ status: 529, type: "overloaded_error", retryable: true, retryAfterMs: 1500, providerMessage: "Overloaded" });
    expect((error as Error).message).toBe("anthropic/fake-model failed (529 overloaded_error): Overloaded");
  });

  it("should honour x-should-retry and say so for an empty error body", async () => {
    const { fetch } = scriptedFetch("", { status: 503, headers: { "x-should-retry": "false" } });
    const { error } = await collect(createAnthropicProvider({ id: "anthropic", baseUrl: "http://x.invalid", apiKey: "k", fetch }).stream(request()));
    expect(error).toMatchObject({ status: 503, retryable: false });
    expect((error as Error).message).toBe("anthropic/fake-model failed (503): no error message");
  });
});

describe("buildAnthropicBody", () => {
  it("should map every content block, keep signed thinking and drop unsigned thinking and empty messages", () => {
    const body = buildAnthropicBody(
      request({
        system: "",
        messages: [
          { role: "user", content: [{ type: "text", text: "look" }, { type: "image", mediaType: "image/png", data: "iVBO" }] },
          {
            role: "assistant",
            content: [
              { type: "thinking", thinking: "signed", signature: "sig" },
              { type: "thinking", thinking: "from another provider" },
              { type: "tool_use", id: "t1", name: "read", input: { path: "a" } },
            ],
          },
          { role: "user", content: [{ type: "tool_result", toolUseId: "t1", content: "ok" }] },
          { role: "assistant", content: [{ type: "thinking", thinking: "unsigned only" }] },
        ],
      }),
    );
    expect(body.system).toBeUndefined();
    expect(body.tools).toBeUndefined();
    expect(body.thinking).toBeUndefined();
    expect(body.messages).toEqual([
      { role: "user", content: [{ type: "text", text: "look" }, { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBO" } }] },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "signed", signature: "sig" },
          { type: "tool_use", id: "t1", name: "read", input: { path: "a" } },
        ],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "ok" }] },
    ]);
  });
});
