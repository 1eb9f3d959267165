/**
 * @module A loopback Anthropic Messages API (agent.md §4.2/§4.4): `POST /v1/messages` answered with
 * scripted SSE (`event:` + `data:` frames, `ping`s, in-stream `error`), errors as
 * `{type:"error", error:{type, message}}`.
 */
import { startSseFake, type FakeFormat, type FakeFrame, type FakeReply, type SseFake, type SseFakeOptions } from "./sse-fake-server.ts";

export type { FakeReply, FakeScript, RecordedRequest, SseFake, SseFakeOptions } from "./sse-fake-server.ts";

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

function frame(type: string, payload: Record<string, unknown>, flags: Omit<FakeFrame, "text"> = {}): FakeFrame {
  return { text: `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`, ...flags };
}

function replyFrames(reply: FakeReply): FakeFrame[] {
  const usage = reply.usage ?? { input: 10, output: 3 };
  const frames: FakeFrame[] = [
    frame("message_start", {
      message: {
        id: "msg_1", type: "message", role: "assistant", model: "fake", content: [], stop_reason: null, stop_sequence: null,
        usage: {
          input_tokens: usage.input, output_tokens: 1,
          cache_read_input_tokens: usage.cacheRead ?? 0, cache_creation_input_tokens: usage.cacheWrite ?? 0,
        },
      },
    }),
  ];
  const ping = (): void => void (reply.pings && frames.push(frame("ping", {})));
  ping();
  let index = 0;
  if (reply.thinking) {
    frames.push(frame("content_block_start", { index, content_block: { type: "thinking", thinking: "", signature: "" } }));
    for (const piece of reply.thinking) frames.push(frame("content_block_delta", { index, delta: { type: "thinking_delta", thinking: piece } }, { delta: true }));
    frames.push(frame("content_block_delta", { index, delta: { type: "signature_delta", signature: reply.signature ?? "sig_1" } }));
    frames.push(frame("content_block_stop", { index: index++ }));
  }
  if (reply.text) {
    frames.push(frame("content_block_start", { index, content_block: { type: "text", text: "" } }));
    for (const piece of reply.text) {
      frames.push(frame("content_block_delta", { index, delta: { type: "text_delta", text: piece } }, { delta: true }));
      ping();
    }
    frames.push(frame("content_block_stop", { index: index++ }));
  }
  for (const call of reply.toolCalls ?? []) {
    frames.push(frame("content_block_start", { index, content_block: { type: "tool_use", id: call.id, name: call.name, input: {} } }));
    for (const piece of call.args) frames.push(frame("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } }, { delta: true }));
    frames.push(frame("content_block_stop", { index: index++ }));
  }
  const stop = reply.stop ?? (reply.toolCalls?.length ? "tool_use" : "end_turn");
  frames.push(frame("message_delta", { delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: usage.output } }, { tail: true }));
  frames.push(frame("message_stop", {}, { tail: true }));
  return frames;
}

/** The Anthropic wire format for the fake core. */
export const anthropicFormat: FakeFormat = {
  path: "/v1/messages",
  keyOf: (headers) => headers.get("x-api-key") ?? undefined,
  frames: replyFrames,
  errorFrame: (type, message) => frame("error", { error: { type, message } }).text,
  errorBody: (status, type, message) => ({ type: "error", error: { type: type ?? ERROR_TYPES[status] ?? "api_error", message } }),
};

/**
 * Starts a loopback Anthropic API on 127.0.0.1:0; `url` is the base URL (without `/v1`).
 * @example
 * const fake = startAnthropicFake();
 * fake.script({ text: ["Hello", " there"] });
 * const provider = createAnthropicProvider({ id: "anthropic", baseUrl: fake.url, apiKey: "k" });
 */
export function startAnthropicFake(options: SseFakeOptions = {}): SseFake {
  return startSseFake(anthropicFormat, "", options);
}
