/** @module Shared helpers of the provider tests: a request builder and event collection. */
import type { ModelEvent, ModelRequest } from "../../../src/agent/providers/types.ts";

/** A minimal request; `overrides` replace fields. */
export function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: "fake-model",
    system: "You are terse.",
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    tools: [],
    maxTokens: 256,
    ...overrides,
  };
}

/** Every event of `stream`, and the error it ended with (if any). */
export async function collect(stream: AsyncIterable<ModelEvent>): Promise<{ events: ModelEvent[]; error: unknown }> {
  const events: ModelEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

/** The `stop` event of `events` (throws if missing). */
export function stopOf(events: ModelEvent[]): Extract<ModelEvent, { type: "stop" }> {
  const last = events.at(-1);
  if (last?.type !== "stop") throw new Error(`expected a stop event last, got ${JSON.stringify(last)}`);
  return last;
}

/** A body stream that delivers `chunks` one by one (strings are UTF-8 encoded). */
export function chunkedBody(chunks: Array<string | Uint8Array>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = chunks[next++];
      if (chunk === undefined) return controller.close();
      controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
    },
  });
}

/** A recorded call of {@link scriptedFetch}. */
export interface FetchCall {
  url: string;
  headers: Record<string, string>;
  body: any;
}

/**
 * An injectable `fetch` answering every call with `body` (SSE text chunks, or a string for errors)
 * and recording the URL, headers and parsed JSON body.
 */
export function scriptedFetch(
  body: string[] | string,
  init: { status?: number; headers?: Record<string, string> } = {},
): { fetch: (input: string, request: RequestInit) => Promise<Response>; calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  return {
    calls,
    fetch: async (input, request) => {
      calls.push({
        url: input,
        headers: Object.fromEntries(new Headers(request.headers).entries()),
        body: JSON.parse(String(request.body)),
      });
      const payload = typeof body === "string" ? body : chunkedBody(body);
      return new Response(payload, {
        status: init.status ?? 200,
        headers: { "content-type": typeof body === "string" ? "application/json" : "text/event-stream", ...init.headers },
      });
    },
  };
}
