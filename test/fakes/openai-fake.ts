/**
 * @module A loopback OpenAI Chat Completions API (agent.md §4.3/§4.4): `POST /v1/chat/completions`
 * answered with scripted `data:` chunks ending in `data: [DONE]`, tool-call pieces joined by
 * `index`, a usage chunk, `:` keep-alive comments, in-stream `{error}` chunks; errors as
 * `{error:{message, type, code, param}}`.
 */
import { startSseFake, type FakeFormat, type FakeFrame, type FakeReply, type FakeStop, type SseFake, type SseFakeOptions } from "./sse-fake-server.ts";

export type { FakeReply, FakeScript, RecordedRequest, SseFake, SseFakeOptions } from "./sse-fake-server.ts";

const FINISH: Record<FakeStop, string> = {
  end_turn: "stop",
  stop_sequence: "stop",
  tool_use: "tool_calls",
  max_tokens: "length",
  refusal: "content_filter",
};

const ERROR_CODES: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
  500: { type: "server_error", code: null },
};

function chunk(choice: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}, flags: Omit<FakeFrame, "text"> = {}): FakeFrame {
  const body = { id: "c1", object: "chat.completion.chunk", created: 1, model: "fake", choices: choice ? [{ index: 0, ...choice }] : [], ...extra };
  return { text: `data: ${JSON.stringify(body)}\n\n`, ...flags };
}

function delta(delta: Record<string, unknown>): FakeFrame {
  return chunk({ delta, finish_reason: null }, {}, { delta: true });
}

function replyFrames(reply: FakeReply): FakeFrame[] {
  const usage = reply.usage ?? { input: 10, output: 3 };
  const frames: FakeFrame[] = [chunk({ delta: { role: "assistant", content: "" }, finish_reason: null })];
  const ping = (): void => void (reply.pings && frames.push({ text: ": keep-alive\n\n" }));
  ping();
  for (const piece of reply.thinking ?? []) frames.push(delta({ reasoning_content: piece }));
  for (const piece of reply.text ?? []) {
    frames.push(delta({ content: piece }));
    ping();
  }
  for (const [index, call] of (reply.toolCalls ?? []).entries()) {
    frames.push(chunk({ delta: { tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }, finish_reason: null }));
    for (const piece of call.args) frames.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
  }
  const stop = reply.stop ?? (reply.toolCalls?.length ? "tool_use" : "end_turn");
  frames.push(chunk({ delta: {}, finish_reason: FINISH[stop] }, {}, { tail: true }));
  if (!reply.omitUsage) {
    const cached = usage.cacheRead ?? 0;
    const prompt = usage.input + cached;
    frames.push(
      chunk(undefined, {
        usage: { prompt_tokens: prompt, completion_tokens: usage.output, total_tokens: prompt + usage.output, prompt_tokens_details: { cached_tokens: cached } },
      }, { tail: true }),
    );
  }
  frames.push({ text: "data: [DONE]\n\n", tail: true });
  return frames;
}

/** The OpenAI wire format for the fake core. */
export const openaiFormat: FakeFormat = {
  path: "/v1/chat/completions",
  keyOf: (headers) => headers.get("authorization")?.replace(/^Bearer /, "") ?? undefined,
  frames: replyFrames,
  errorFrame: (type, message) => `data: ${JSON.stringify({ error: { message, type, code: null, param: null } })}\n\n`,
  errorBody: (status, type, message) => {
    const known = ERROR_CODES[status] ?? { type: "server_error", code: null };
    return { error: { message, type: type ?? known.type, code: type === undefined ? known.code : null, param: null } };
  },
};

/**
 * Starts a loopback OpenAI-compatible API on 127.0.0.1:0; `url` is the base URL ending in `/v1`.
 * @example
 * const fake = startOpenAIFake();
 * fake.script({ text: ["Hel", "lo"] });
 * const provider = createOpenAIProvider({ id: "openai", baseUrl: fake.url, apiKey: "k" });
 */
export function startOpenAIFake(options: SseFakeOptions = {}): SseFake {
  return startSseFake(openaiFormat, "/v1", options);
}
