import { describe, expect, it } from "bun:test";
import { REDACTED, redactSecrets, restoreRedacted } from "../../src/config/redact.ts";

const config = {
  gateway: { port: 1, auth: { mode: "token", token: "tok", password: "pw", rateLimit: { maxAttempts: 10 } } },
  models: { providers: { openai: { baseUrl: "http://x.invalid", apiKey: "sk-1" } } },
  channels: {
    slack: { botToken: "xoxb", signingSecret: "sig", apiUrl: "http://s.invalid" },
    list: [{ api_key: "k1", name: "a" }],
  },
  agents: { defaults: { maxTokens: 100 } },
};

describe("redactSecrets", () => {
  it("should replace secret strings at any depth and keep the rest", () => {
    expect(redactSecrets(config)).toEqual({
      gateway: { port: 1, auth: { mode: "token", token: REDACTED, password: REDACTED, rateLimit: { maxAttempts: 10 } } },
      models: { providers: { openai: { baseUrl: "http://x.invalid", apiKey: REDACTED } } },
      channels: {
        slack: { botToken: REDACTED, signingSecret: REDACTED, apiUrl: "http://s.invalid" },
        list: [{ api_key: REDACTED, name: "a" }],
      },
      agents: { defaults: { maxTokens: 100 } },
    });
  });

  it("should not change its input", () => {
    const copy = structuredClone(config);
    redactSecrets(config);
    expect(config).toEqual(copy);
  });
});

describe("restoreRedacted", () => {
  it("should round-trip a redacted config to the original", () => {
    expect(restoreRedacted(redactSecrets(config), config)).toEqual(config);
  });

  it("should keep edits and new secrets while restoring untouched ones", () => {
    const edited = redactSecrets(config);
    edited.gateway.port = 2;
    edited.gateway.auth.password = "new-pw";
    const restored = restoreRedacted(edited, config);
    expect(restored.gateway).toEqual({ port: 2, auth: { mode: "token", token: "tok", password: "new-pw", rateLimit: { maxAttempts: 10 } } });
    expect(restored.models.providers.openai.apiKey).toBe("sk-1");
  });

  it("should drop a placeholder that has nothing to restore", () => {
    const next: unknown = { a: { token: REDACTED, b: 1 }, list: [REDACTED, "x"] };
    expect(restoreRedacted(next, {})).toEqual({ a: { b: 1 }, list: ["x"] });
  });
});
