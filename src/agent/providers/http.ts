/**
 * @module The HTTP leg shared by every provider: POST a JSON body, turn an error status into a
 * `ProviderError`, a failed connection into a `ProviderNetworkError`, and stream the SSE events.
 */
import { ProviderConfigError, ProviderError, ProviderNetworkError, isAbortError, parseRetryAfter, redactSecret } from "./errors.ts";
import { parseSse, type SseEvent } from "./sse.ts";

/** The `fetch` a provider uses (injectable for tests, style.md §4.9). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** One streaming POST. */
export interface SsePostInit {
  provider: string;
  model: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  fetch: FetchLike;
  signal: AbortSignal | undefined;
  /** Redacted from every message. */
  apiKey: string | undefined;
}

/**
 * Checks a provider factory's `id` and `baseUrl` and returns the base URL without trailing `/`.
 * @throws {ProviderConfigError} empty id, or a base URL that is not http(s).
 */
export function checkProviderOptions(factory: string, id: string, baseUrl: string): string {
  if (typeof id !== "string" || id.trim() === "") throw new ProviderConfigError(`${factory}: id must be a non-empty string`);
  if (typeof baseUrl !== "string" || !/^https?:\/\/[^/]/i.test(baseUrl)) {
    throw new ProviderConfigError(`${factory}: baseUrl of provider "${id}" must be an http(s) URL`);
  }
  return baseUrl.replace(/\/+$/, "");
}

/** Longest provider message kept in an error. */
const MAX_MESSAGE_CHARS = 500;

/**
 * POSTs `body` as JSON and yields the SSE events of the answer.
 * @throws {ProviderError} the provider answered with a non-2xx status.
 * @throws {ProviderNetworkError} no connection, or the connection broke while streaming.
 * @throws `signal.reason` when aborted.
 */
export async function* postSse(init: SsePostInit): AsyncGenerator<SseEvent, void, undefined> {
  const { provider, model, signal } = init;
  let response: Response;
  try {
    response = await init.fetch(init.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", ...init.headers },
      body: JSON.stringify(init.body),
      signal,
    });
  } catch (error) {
    throw rethrowable(init, error, "could not reach the provider");
  }
  if (!response.ok) throw await errorFromResponse(init, response);
  if (response.body === null) throw new ProviderNetworkError(provider, model, "response has no body");
  const events = parseSse(response.body, signal ? { signal } : {});
  try {
    while (true) {
      let next: IteratorResult<SseEvent, void>;
      try {
        next = await events.next();
      } catch (error) {
        throw rethrowable(init, error, "connection lost mid-stream");
      }
      if (next.done) return;
      yield next.value;
    }
  } finally {
    await events.return(undefined);
  }
}

/** Abort reasons pass through untouched; anything else becomes a ProviderNetworkError. */
function rethrowable(init: SsePostInit, error: unknown, reason: string): unknown {
  if (init.signal?.aborted) return init.signal.reason;
  if (isAbortError(error)) return error;
  return new ProviderNetworkError(init.provider, init.model, reason, { cause: error });
}

/** Builds the ProviderError of a non-2xx response from its JSON (or text) body. */
async function errorFromResponse(init: SsePostInit, response: Response): Promise<ProviderError> {
  const text = await response.text().catch(() => "");
  const { type, message } = describeErrorBody(text);
  const shouldRetry = response.headers.get("x-should-retry");
  const retryAfterMs = parseRetryAfter(response.headers);
  const clean = redactSecret(message || response.statusText || "no error message", init.apiKey);
  return new ProviderError({
    provider: init.provider,
    model: init.model,
    status: response.status,
    ...(type !== undefined ? { type } : {}),
    message: clean.length > MAX_MESSAGE_CHARS ? `${clean.slice(0, MAX_MESSAGE_CHARS)}…` : clean,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(shouldRetry === "true" ? { retryable: true } : shouldRetry === "false" ? { retryable: false } : {}),
  });
}

/**
 * Reads the error type and message from the shapes providers use: Anthropic
 * `{type:"error", error:{type, message}}`, OpenAI `{error:{message, type, code}}`,
 * Ollama `{error:"…"}`, or plain text.
 */
export function describeErrorBody(text: string): { type?: string; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { message: text.trim() };
  }
  if (typeof json !== "object" || json === null) return { message: text.trim() };
  const body = json as { error?: unknown; message?: unknown };
  if (typeof body.error === "string") return { message: body.error };
  if (typeof body.error === "object" && body.error !== null) {
    const error = body.error as { type?: unknown; code?: unknown; message?: unknown };
    const type = typeof error.code === "string" ? error.code : typeof error.type === "string" ? error.type : undefined;
    const message = typeof error.message === "string" ? error.message : JSON.stringify(error);
    return type !== undefined ? { type, message } : { message };
  }
  return { message: typeof body.message === "string" ? body.message : text.trim() };
}
