/** Queue mode `steer` inside the run loop: messages join the turn at the next tool boundary. */
import { describe, expect, it } from "bun:test";
import type { ChatMessage, ContentBlock, ModelEvent, ModelRequest } from "../../src/agent/providers/types.ts";
import { Steering, runLoop, type TranscriptMessage } from "../../src/agent/run-loop.ts";
import type { Tool } from "../../src/agent/tools/registry.ts";

/** A model that asks for two `wait` calls, then answers plainly; records every request. */
function model() {
  const requests: ChatMessage[][] = [];
  async function* stream(request: ModelRequest): AsyncGenerator<ModelEvent> {
    requests.push(structuredClone(request.messages));
    const content: ContentBlock[] = requests.length === 1
      ? [{ type: "tool_use", id: "t1", name: "wait", input: {} }, { type: "tool_use", id: "t2", name: "wait", input: {} }]
      : [{ type: "text", text: "done" }];
    if (requests.length > 1) yield { type: "text", delta: "done" };
    yield { type: "stop", reason: requests.length === 1 ? "tool_use" : "end_turn", message: { role: "assistant", content } };
  }
  return { stream, requests };
}

describe("Steering", () => {
  it("should refuse a message outside a tool phase (the lane then queues it as a follow-up)", () => {
    expect(new Steering().offer("hi")).toBe(false);
  });

  it("should carry a message steered during a tool call into the next model call and skip the calls not yet started", async () => {
    const steering = new Steering();
    const { stream, requests } = model();
    const { promise: toolStarted, resolve: started } = Promise.withResolvers<void>();
    const { promise: release, resolve: go } = Promise.withResolvers<void>();
    let calls = 0;
    const wait: Tool = {
      name: "wait", group: "group:test", description: "waits", inputSchema: { type: "object" },
      async execute() { calls++; started(); await release; return { content: "waited" }; },
    };
    const persisted: TranscriptMessage[] = [];
    const run = runLoop({
      model: "m", system: "s", history: [], userText: "start", tools: [wait], toolContext: { workspace: "/tmp", sessionKey: "k" },
      maxToolRounds: 5, maxTokens: 100, signal: new AbortController().signal, stream, emit: () => {},
      persist: (m) => void persisted.push(m), steering,
    });
    await toolStarted;
    expect(steering.offer("actually, stop and summarise")).toBe(true);
    go();
    const result = await run;
    expect(result.text).toBe("done");
    expect(calls).toBe(1);
    const second = requests[1]!.at(-1)!;
    expect(second.role).toBe("user");
    expect(second.content).toEqual([
      { type: "tool_result", toolUseId: "t1", content: "waited" },
      { type: "tool_result", toolUseId: "t2", content: "skipped: the user sent a new message" },
      { type: "text", text: "actually, stop and summarise" },
    ]);
    expect(persisted.find((m) => m.role === "toolResult")?.content).toEqual(second.content);
    expect(steering.offer("too late")).toBe(false);
  });
});
