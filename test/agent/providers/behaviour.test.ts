/**
 * The same behaviour suite against both wire formats: each provider talks to its loopback fake
 * (test/fakes/) over real HTTP and SSE.
 */
import { afterAll, afterEach, describe, expect, it } from "bun:test";
import { createAnthropicProvider } from "../../../src/agent/providers/anthropic.ts";
import { ProviderError, ProviderNetworkError, isProviderError, isProviderNetworkError } from "../../../src/agent/providers/errors.ts";
import { createOpenAIProvider } from "../../../src/agent/providers/openai.ts";
import { createProviderRegistry, streamWithFallbacks } from "../../../src/agent/providers/registry.ts";
import { streamWithRetries } from "../../../src/agent/providers/retry.ts";
import type { ChatMessage, ModelEvent, ModelProvider, Usage } from "../../../src/agent/providers/types.ts";
import { startAnthropicFake } from "../../fakes/anthropic-fake.ts";
import { startOpenAIFake } from "../../fakes/openai-fake.ts";
import type { SseFake, SseFakeOptions } from "../../fakes/sse-fake-server.ts";
import { collect, request, stopOf } from "./helpers.ts";

const KEY = "sk-test-SECRET-0123456789";

interface Subject {
  name: "anthropic" | "openai";
  api: "anthropic-messages" | "openai-completions";
  start(options?: SseFakeOptions): SseFake;
  create(fake: SseFake, apiKey?: string): ModelProvider;
  /** The key header as recorded by the fake. */
  authHeader(headers: Record<string, string>): string | undefined;
  /** Usage of `{input: 12, output: 7, cacheRead: 5, cacheWrite: 2}` as the format can carry it. */
  usage: Usage;
  /** Asserts the follow-up body carries the tool call and its result in the wire format. */
  expectToolRoundTrip(body: any): void;
  endMarker: string;
}

const subjects: Subject[] = [
  {
    name: "anthropic",
    api: "anthropic-messages",
    start: startAnthropicFake,
    create: (fake, apiKey = KEY) => createAnthropicProvider({ id: "anthropic", baseUrl: fake.url, apiKey }),
    authHeader: (headers) => headers["x-api-key"],
    usage: { input: 12, output: 7, cacheRead: 5, cacheWrite: 2 },
    expectToolRoundTrip(body) {
      expect(body.messages).toEqual([
        { role: "user", content: [{ type: "text", text: "read a.txt" }] },
        { role: "assistant", content: [{ type: "tool_use", id: "call_1", name: "read", input: { path: "a.txt" } }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "call_1", content: "file body", is_error: true }] },
      ]);
    },
    endMarker: "message_stop",
  },
  {
    name: "openai",
    api: "openai-completions",
    start: startOpenAIFake,
    create: (fake, apiKey = KEY) => createOpenAIProvider({ id: "openai", baseUrl: fake.url, apiKey }),
    authHeader: (headers) => headers.authorization?.replace(/^Bearer /, ""),
    usage: { input: 12, output: 7, cacheRead: 5, cacheWrite: 0 },
    expectToolRoundTrip(body) {
      expect(body.messages).toEqual([
        { role: "system", content: "You are terse." },
        { role: "user", content: "read a.txt" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "call_1", type: "function", function: { name: "read", arguments: '{"path":"a.txt"}' } }],
        },
        { role: "tool", tool_call_id: "call_1", content: "file body" },
      ]);
    },
    endMarker: "[DONE]",
  },
];

const fakes: SseFake[] = [];
function start(subject: Subject, options?: SseFakeOptions): SseFake {
  const fake = subject.start(options);
  fakes.push(fake);
  return fake;
}
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});
afterAll(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.stop()));
});

const TOOL_CALL = { id: "call_1", name: "read", args: ['{"path":', '"a.txt"}'] };

for (const subject of subjects) {
  describe(`${subject.name} provider`, () => {
    it("should stream text deltas and end with the whole assistant message", async () => {
      const fake = start(subject);
      fake.script({ text: ["Hello", " there"], pings: true });
      const { events, error } = await collect(subject.create(fake).stream(request()));
      expect(error).toBeUndefined();
      expect(events.filter((event) => event.type === "text")).toEqual([
        { type: "text", delta: "Hello" },
        { type: "text", delta: " there" },
      ]);
      expect(stopOf(events)).toEqual({ type: "stop", reason: "end_turn", message: { role: "assistant", content: [{ type: "text", text: "Hello there" }] } });
      expect(fake.requests).toHaveLength(1);
      expect(subject.authHeader(fake.requests[0]!.headers)).toBe(KEY);
      expect(fake.requests[0]!.body.stream).toBe(true);
      expect(fake.requests[0]!.body.model).toBe("fake-model");
    });

    it("should assemble a tool call from arguments split across deltas", async () => {
      const fake = start(subject);
      fake.script({ toolCalls: [TOOL_CALL] });
      const { events } = await collect(subject.create(fake).stream(request()));
      expect(events.filter((event) => event.type === "tool_call")).toEqual([{ type: "tool_call", id: "call_1", name: "read", input: { path: "a.txt" } }]);
      const stop = stopOf(events);
      expect(stop.reason).toBe("tool_use");
      expect(stop.message.content).toEqual([{ type: "tool_use", id: "call_1", name: "read", input: { path: "a.txt" } }]);
    });

    it("should send the follow-up tool result in the provider's format", async () => {
      const fake = start(subject);
      fake.script({ toolCalls: [TOOL_CALL] }, { text: ["Done."] });
      const provider = subject.create(fake);
      const messages: ChatMessage[] = [{ role: "user", content: [{ type: "text", text: "read a.txt" }] }];
      const first = stopOf((await collect(provider.stream(request({ messages })))).events);
      messages.push(first.message, { role: "user", content: [{ type: "tool_result", toolUseId: "call_1", content: "file body", isError: true }] });
      const second = stopOf((await collect(provider.stream(request({ messages })))).events);
      expect(second.message.content).toEqual([{ type: "text", text: "Done." }]);
      expect(fake.requests).toHaveLength(2);
      subject.expectToolRoundTrip(fake.requests[1]!.body);
    });

    it("should report usage with input, output and cache tokens", async () => {
      const fake = start(subject);
      fake.script({ text: ["ok"], usage: { input: 12, output: 7, cacheRead: 5, cacheWrite: 2 } });
      const { events } = await collect(subject.create(fake).stream(request()));
      expect(events.filter((event) => event.type === "usage")).toEqual([{ type: "usage", usage: subject.usage }]);
      expect(events.at(-2)?.type).toBe("usage");
    });

    it("should map stop reasons", async () => {
      const fake = start(subject);
      const cases = [["max_tokens", "max_tokens"], ["refusal", "refusal"], ["end_turn", "end_turn"]] as const;
      for (const [wire] of cases) fake.script({ text: ["x"], stop: wire });
      const provider = subject.create(fake);
      for (const [, expected] of cases) expect(stopOf((await collect(provider.stream(request()))).events).reason).toBe(expected);
    });

    it("should stream thinking before the text", async () => {
      const fake = start(subject);
      fake.script({ thinking: ["Let me", " see"], signature: "sig_9", text: ["Yes"] });
      const { events } = await collect(subject.create(fake).stream(request()));
      expect(events.filter((event) => event.type === "thinking" || event.type === "text")).toEqual([
        { type: "thinking", delta: "Let me" },
        { type: "thinking", delta: " see" },
        { type: "text", delta: "Yes" },
      ]);
      expect(stopOf(events).message.content[0]).toMatchObject({ type: "thinking", thinking: "Let me see" });
    });

    it("should retry a 429 with retry-after: 0 and then succeed", async () => {
      const fake = start(subject);
      fake.script({ kind: "http_error", status: 429, message: "slow down", headers: { "retry-after": "0" } }, { text: ["after retry"] });
      const delays: number[] = [];
      const { events, error } = await collect(
        streamWithRetries(subject.create(fake), request(), { onRetry: ({ delayMs }) => delays.push(delayMs) }),
      );
      expect(error).toBeUndefined();
      expect(stopOf(events).message.content).toEqual([{ type: "text", text: "after retry" }]);
      expect(fake.requests).toHaveLength(2);
      expect(delays).toEqual([0]);
    });

    it("should raise ProviderNetworkError when the connection is cut mid-stream, and not retry after output", async () => {
      const fake = start(subject);
      let sawHello!: () => void;
      const until = new Promise<void>((resolve) => (sawHello = resolve));
      fake.script({ text: ["Hello", " there"], interrupt: { after: 1, action: "reset", until } }, { text: ["never asked for"] });
      const events: ModelEvent[] = [];
      let error: unknown;
      try {
        for await (const event of streamWithRetries(subject.create(fake), request(), { sleep: async () => {} })) {
          events.push(event);
          sawHello();
        }
      } catch (caught) {
        error = caught;
      }
      expect(events).toEqual([{ type: "text", delta: "Hello" }]);
      expect(error).toBeInstanceOf(ProviderNetworkError);
      expect((error as Error).message).toBe(`${subject.name}/fake-model: connection lost mid-stream (ECONNRESET)`);
      expect(fake.requests).toHaveLength(1);
    });

    it(`should raise ProviderNetworkError when the body ends before ${subject.endMarker}`, async () => {
      const fake = start(subject);
      fake.script({ text: ["Hello", " there"], interrupt: { after: 2, action: "end" } });
      const { events, error } = await collect(subject.create(fake).stream(request()));
      expect(events.map((event) => event.type)).toEqual(["text", "text"]);
      expect(isProviderNetworkError(error)).toBe(true);
      expect((error as Error).message).toBe(`${subject.name}/fake-model: stream ended before ${subject.endMarker}`);
    });

    it("should raise ProviderError for an error event after HTTP 200", async () => {
      const fake = start(subject);
      fake.script({ text: ["Hello"], interrupt: { after: 0, action: "error", type: "overloaded_error", message: "Overloaded" } });
      const { events, error } = await collect(subject.create(fake).stream(request()));
      expect(events).toEqual([]);
      expect(error).toBeInstanceOf(ProviderError);
      const providerError = error as ProviderError;
      expect(providerError.message).toBe(`${subject.name}/fake-model failed (overloaded_error): Overloaded`);
      expect(providerError.status).toBeUndefined();
      expect(providerError.retryable).toBe(true);
    });

    it("should end with AbortError on abort mid-stream and close the upstream request", async () => {
      const fake = start(subject);
      fake.script({ text: ["Hello", " there"], interrupt: { after: 1, action: "hold" } });
      const controller = new AbortController();
      const seen: string[] = [];
      let caught: unknown;
      try {
        for await (const event of subject.create(fake).stream(request({ signal: controller.signal }))) {
          seen.push(event.type);
          if (event.type === "text") controller.abort();
        }
      } catch (error) {
        caught = error;
      }
      expect(seen).toEqual(["text"]);
      expect((caught as Error).name).toBe("AbortError");
      await fake.waitForDisconnects(1);
      expect(fake.requests[0]!.disconnected).toBe(true);
    });

    it("should close the upstream request when the consumer stops early", async () => {
      const fake = start(subject);
      fake.script({ text: ["Hello", " there"], interrupt: { after: 1, action: "hold" } });
      for await (const event of subject.create(fake).stream(request())) if (event.type === "text") break;
      await fake.waitForDisconnects(1);
      expect(fake.disconnects).toBe(1);
    });

    it("should fall back to the next model on 401 without showing the key", async () => {
      const other = subjects.find((candidate) => candidate !== subject)!;
      const primary = start(subject, { apiKey: "the-right-key" });
      const backup = start(other);
      backup.script({ text: ["from backup"] });
      const registry = createProviderRegistry({
        config: {
          models: {
            providers: {
              main: { baseUrl: primary.url, apiKey: "${MAIN_KEY}", api: subject.api },
              spare: { baseUrl: backup.url, api: other.api },
            },
          },
        },
        env: { MAIN_KEY: KEY, SPARE_API_KEY: "spare-key" },
      });
      const fallbacks: Array<{ from: string; to: string; reason: string; message: string }> = [];
      const { events, error } = await collect(
        streamWithFallbacks(registry, ["main/m1", "spare/m2"], request(), {
          onFallback: ({ from, to, reason, error }) => fallbacks.push({ from, to, reason, message: (error as Error).message }),
        }),
      );
      expect(error).toBeUndefined();
      expect(stopOf(events).message.content).toEqual([{ type: "text", text: "from backup" }]);
      expect(fallbacks).toEqual([{ from: "main/m1", to: "spare/m2", reason: "auth", message: `main/m1 failed (401 ${subject.name === "anthropic" ? "authentication_error" : "invalid_api_key"}): invalid api key: [redacted]` }]);
      expect(primary.requests).toHaveLength(1);
      expect(other.authHeader(backup.requests[0]!.headers)).toBe("spare-key");
      expect(backup.requests[0]!.body.model).toBe("m2");
    });

    it("should not fall back on a 400", async () => {
      const primary = start(subject);
      const backup = start(subject);
      primary.script({ kind: "http_error", status: 400, message: "messages: bad" });
      const registry = createProviderRegistry({
        config: { models: { providers: { a: { baseUrl: primary.url, api: subject.api }, b: { baseUrl: backup.url, api: subject.api } } } },
        env: {},
      });
      const { error } = await collect(streamWithFallbacks(registry, ["a/m", "b/m"], request()));
      expect(isProviderError(error) && error.status).toBe(400);
      expect(backup.requests).toHaveLength(0);
    });

    it("should keep API keys out of every error message", async () => {
      const fake = start(subject, { apiKey: "another-key" });
      const refused = await collect(subject.create(fake).stream(request()));
      expect(isProviderError(refused.error)).toBe(true);
      expect((refused.error as ProviderError).providerMessage).toBe("invalid api key: [redacted]");
      // A low-level error whose own text carries the key must not leak it either.
      const leakyFetch = async (): Promise<Response> => {
        throw Object.assign(new TypeError(`connect failed for key ${KEY}`), { code: "ECONNREFUSED" });
      };
      const unreachableProvider =
        subject.name === "anthropic"
          ? createAnthropicProvider({ id: "anthropic", baseUrl: fake.url, apiKey: KEY, fetch: leakyFetch })
          : createOpenAIProvider({ id: "openai", baseUrl: fake.url, apiKey: KEY, fetch: leakyFetch });
      const unreachable = await collect(unreachableProvider.stream(request()));
      expect(isProviderNetworkError(unreachable.error)).toBe(true);
      expect((unreachable.error as Error).message).toBe(`${subject.name}/fake-model: could not reach the provider (ECONNREFUSED)`);
      for (const error of [refused.error, unreachable.error]) {
        expect(String(error)).not.toContain(KEY);
        expect(JSON.stringify(error)).not.toContain(KEY);
      }
    });
  });
}
