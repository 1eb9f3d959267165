import { describe, expect, it } from "bun:test";
import { parseQuery } from "../../../src/extensions/observability/params.ts";

describe("parseQuery", () => {
  it("should turn the parameters into a store filter with a default limit", () => {
    expect(parseQuery({})).toEqual({ filter: {}, limit: 100 });
    expect(parseQuery({ agentId: "main", sessionKey: "agent:main:main", runId: "r", from: "2026-05-01", to: "2026-05-01T12:30:00.5+02:00", types: ["tool_call", "error"], limit: 5 })).toEqual({
      filter: { agentId: "main", sessionKey: "agent:main:main", runId: "r", from: Date.UTC(2026, 4, 1), to: Date.UTC(2026, 4, 1, 10, 30, 0, 500), types: ["tool_call", "error"] },
      limit: 5,
    });
  });

  it("should name the field of a bad value", () => {
    expect(parseQuery({ from: "yesterday" })).toEqual({ error: 'from: expected an ISO 8601 time such as 2026-05-01T12:00:00Z, got "yesterday"' });
    expect(parseQuery({ to: 1714560000000 })).toEqual({ error: "to: expected an ISO 8601 time such as 2026-05-01T12:00:00Z, got 1714560000000" });
    expect(parseQuery({ from: "2026-13-45" })).toEqual({ error: 'from: expected an ISO 8601 time such as 2026-05-01T12:00:00Z, got "2026-13-45"' });
    expect(parseQuery({ types: ["tool_call", "thought"] })).toEqual({ error: 'types: unknown event type "thought" (known: tool_call, llm_call, decision, delegation, error)' });
    expect(parseQuery({ types: "error" })).toEqual({ error: "types: expected an array of event types" });
    expect(parseQuery({ agentId: "" })).toEqual({ error: "agentId: expected a non-empty string" });
    expect(parseQuery({ limit: 0 })).toEqual({ error: "limit: expected an integer from 1 to 1000" });
    expect(parseQuery({ limit: 2.5 })).toEqual({ error: "limit: expected an integer from 1 to 1000" });
  });
});
