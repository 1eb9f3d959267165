import { describe, expect, it } from "bun:test";
import {
  ProviderError,
  ProviderNetworkError,
  failoverReason,
  isProviderError,
  isProviderNetworkError,
  parseRetryAfter,
  redactSecret,
} from "../../../src/agent/providers/errors.ts";
import { describeErrorBody } from "../../../src/agent/providers/http.ts";

const providerError = (status: number | undefined, type?: string): ProviderError =>
  new ProviderError({ provider: "p", model: "m", status, type, message: "x" });

describe("ProviderError", () => {
  it("should name provider, model, status and type", () => {
    const error = new ProviderError({ provider: "anthropic", model: "claude-x", status: 429, type: "rate_limit_error", message: "Too many", retryAfterMs: 5 });
    expect(error.message).toBe("anthropic/claude-x failed (429 rate_limit_error): Too many");
    expect(error).toMatchObject({ name: "ProviderError", status: 429, type: "rate_limit_error", providerMessage: "Too many", retryable: true, retryAfterMs: 5 });
    expect(isProviderError(error)).toBe(true);
    expect(isProviderNetworkError(error)).toBe(false);
  });

  it("should be retryable for 408, 409, 429, 5xx and overloaded types only", () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504, 529]) expect(providerError(status).retryable).toBe(true);
    for (const status of [400, 401, 403, 404, 413, 422]) expect(providerError(status).retryable).toBe(false);
    expect(providerError(undefined, "overloaded_error").retryable).toBe(true);
    expect(providerError(undefined, "invalid_request_error").retryable).toBe(false);
  });
});

describe("ProviderNetworkError", () => {
  it("should name provider and model, keep the cause and add only its code", () => {
    const cause = Object.assign(new Error("connect ECONNREFUSED http://user:secret@127.0.0.1"), { code: "ECONNREFUSED" });
    const error = new ProviderNetworkError("openai", "gpt-x", "could not reach the provider", { cause });
    expect(error.message).toBe("openai/gpt-x: could not reach the provider (ECONNREFUSED)");
    expect(error.cause).toBe(cause);
    expect(isProviderNetworkError(error)).toBe(true);
  });
});

describe("failoverReason", () => {
  it("should classify auth, billing, rate limit, timeout, overload and network errors, and nothing else", () => {
    expect(failoverReason(providerError(401))).toBe("auth");
    expect(failoverReason(providerError(403))).toBe("auth");
    expect(failoverReason(providerError(undefined, "authentication_error"))).toBe("auth");
    expect(failoverReason(providerError(402))).toBe("billing");
    expect(failoverReason(providerError(429))).toBe("rate_limit");
    expect(failoverReason(providerError(408))).toBe("timeout");
    expect(failoverReason(providerError(529))).toBe("overloaded");
    expect(failoverReason(providerError(undefined, "overloaded_error"))).toBe("overloaded");
    expect(failoverReason(new ProviderNetworkError("p", "m", "cut"))).toBe("network");
    expect(failoverReason(providerError(400))).toBeUndefined();
    expect(failoverReason(providerError(404))).toBeUndefined();
    expect(failoverReason(new Error("bug"))).toBeUndefined();
  });
});

describe("parseRetryAfter", () => {
  it("should prefer retry-after-ms, then read seconds or an HTTP date", () => {
    expect(parseRetryAfter(new Headers({ "retry-after-ms": "250.5", "retry-after": "3" }))).toBe(250.5);
    expect(parseRetryAfter(new Headers({ "retry-after": "3" }))).toBe(3000);
    expect(parseRetryAfter(new Headers({ "retry-after": "0" }))).toBe(0);
    const now = Date.parse("2025-01-01T00:00:00Z");
    expect(parseRetryAfter(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:00:07 GMT" }), now)).toBe(7000);
    expect(parseRetryAfter(new Headers({ "retry-after": "soon" }))).toBeUndefined();
    expect(parseRetryAfter(new Headers())).toBeUndefined();
  });
});

describe("redactSecret", () => {
  it("should replace every occurrence of the secret", () => {
    expect(redactSecret("key sk-abc1 is bad: sk-abc1", "sk-abc1")).toBe("key [redacted] is bad: [redacted]");
    expect(redactSecret("no key here", undefined)).toBe("no key here");
  });
});

describe("describeErrorBody", () => {
  it("should read the Anthropic, OpenAI, Ollama and plain-text shapes", () => {
    expect(describeErrorBody('{"type":"error","error":{"type":"not_found_error","message":"model: x"}}')).toEqual({ type: "not_found_error", message: "model: x" });
    expect(describeErrorBody('{"error":{"message":"Bad key","type":"invalid_request_error","code":"invalid_api_key"}}')).toEqual({ type: "invalid_api_key", message: "Bad key" });
    expect(describeErrorBody('{"error":"model not found"}')).toEqual({ message: "model not found" });
    expect(describeErrorBody("<html>502 Bad Gateway</html>\n")).toEqual({ message: "<html>502 Bad Gateway</html>" });
  });
});
