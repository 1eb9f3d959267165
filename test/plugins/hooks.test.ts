/** @module The hook runner: priority order, parallel void hooks, merged modifying hooks, caught errors, synchronous tool_result_persist. */
import { describe, expect, it } from "bun:test";
import { HookRunner } from "../../src/plugins/hooks.ts";

function runner() {
  const warnings: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  return { hooks: new HookRunner({ warn: (message, fields) => warnings.push({ message, ...(fields && { fields }) }) }), warnings };
}

describe("HookRunner", () => {
  it("should run modifying handlers by priority, the last systemPrompt winning and contexts joined", async () => {
    const { hooks } = runner();
    const order: string[] = [];
    hooks.on("a", "before_prompt_build", () => { order.push("a"); return { prependContext: "from a", systemPrompt: "A" }; });
    hooks.on("b", "before_prompt_build", () => { order.push("b"); return { prependContext: "from b" }; }, 10);
    hooks.on("c", "before_prompt_build", () => { order.push("c"); return { systemPrompt: "C" }; }, -5);
    expect(await hooks.run("before_prompt_build", { prompt: "p", messages: [] })).toEqual({ prependContext: "from b\n\nfrom a", systemPrompt: "C" });
    expect(order).toEqual(["b", "a", "c"]);
  });

  it("should keep a blocking reason given as `reason` (the reference drops it) and let a later handler rewrite params", async () => {
    const { hooks } = runner();
    hooks.on("budget", "before_tool_call", () => ({ block: true, reason: "over budget" }), 5);
    hooks.on("rewrite", "before_tool_call", (e) => ({ params: { ...e.params, safe: true } }));
    const result = await hooks.run("before_tool_call", { toolName: "exec", params: { cmd: "ls" }, toolCallId: "t1", runId: "r1" });
    expect(result).toEqual({ block: true, blockReason: "over budget", params: { cmd: "ls", safe: true } });
  });

  it("should log a throwing handler with its plugin id and still run the others", async () => {
    const { hooks, warnings } = runner();
    const seen: string[] = [];
    hooks.on("bad", "agent_end", () => { throw new Error("boom"); });
    hooks.on("good", "agent_end", (e) => { seen.push(e.runId); });
    await hooks.emit("agent_end", { runId: "r1", sessionKey: "k", messages: [], success: true });
    expect(seen).toEqual(["r1"]);
    expect(warnings).toEqual([{ message: "plugin hook failed", fields: { plugin: "bad", hook: "agent_end", error: "boom" } }]);
  });

  it("should start every void handler at once, wait for the async ones and log one that rejects", async () => {
    const { hooks, warnings } = runner();
    const seen: string[] = [];
    let release!: () => void;
    hooks.on("slow", "agent_end", () => new Promise<void>((resolve) => { release = () => { seen.push("slow done"); resolve(); }; }));
    hooks.on("sync", "agent_end", () => { seen.push("sync"); });
    hooks.on("failing", "agent_end", async () => { throw new Error("late boom"); });
    const done = hooks.emit("agent_end", { runId: "r1", sessionKey: "k", messages: [], success: true });
    expect(seen).toEqual(["sync"]);
    let settled = false;
    void done.then(() => { settled = true; });
    await Promise.resolve();
    expect(settled).toBe(false);
    release();
    await done;
    expect(seen).toEqual(["sync", "slow done"]);
    expect(warnings).toEqual([{ message: "plugin hook failed", fields: { plugin: "failing", hook: "agent_end", error: "late boom" } }]);
  });

  it("should chain tool_result_persist synchronously and ignore a handler that returns a Promise", () => {
    const { hooks, warnings } = runner();
    hooks.on("upper", "tool_result_persist", (e) => ({ message: e.message.toUpperCase() }));
    hooks.on("async", "tool_result_persist", async () => ({ message: "never" }));
    hooks.on("suffix", "tool_result_persist", (e) => ({ message: `${e.message}!` }), -1);
    expect(hooks.persistToolResult({ message: "done", toolName: "t" })).toBe("DONE!");
    expect(warnings.map((w) => w.fields?.plugin)).toEqual(["async"]);
  });

  it("should answer undefined when nobody listens and report who listens", async () => {
    const { hooks } = runner();
    expect(hooks.has("llm_input")).toBe(false);
    expect(await hooks.run("message_sending", { to: "x", content: "y" })).toBeUndefined();
  });
});
