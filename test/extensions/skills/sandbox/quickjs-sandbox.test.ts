import { afterEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { SandboxError, type SandboxErrorKind } from "../../../../src/extensions/skills/sandbox/errors.ts";
import { loadSkillSandbox } from "../../../../src/extensions/skills/sandbox/quickjs-sandbox.ts";
import type { SandboxLimits, SkillSandbox } from "../../../../src/extensions/skills/sandbox/types.ts";
import { RecordingHost, testLimits } from "./host-fake.ts";

const loaded: SkillSandbox[] = [];

afterEach(() => {
  for (const sandbox of loaded.splice(0)) sandbox.dispose();
});

async function load(source: string, limits: Partial<SandboxLimits> = {}, host = new RecordingHost(), now?: () => number) {
  const sandbox = await loadSkillSandbox(source, { filename: "skill.ts", limits: testLimits(limits), host, now });
  loaded.push(sandbox);
  return { sandbox, host };
}

/** The SandboxError a promise rejects with (fails the test if it resolves or rejects otherwise). */
async function sandboxError(promise: Promise<unknown>): Promise<SandboxError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SandboxError);
  return error as SandboxError;
}

describe("a well-behaved skill", () => {
  const source = `
    import type { Ctx } from "./types";
    interface Triple { subject: string; predicate: string; object: unknown }
    const PREFIX: string = "notes";
    export const helper = (n: number): number => n * 2;
    export default {
      name: "notes-skill",
      onActivate(ctx: { agentId: string }) {
        graphClient.createTriple({ subject: PREFIX + ":" + ctx.agentId, predicate: "activated", object: helper(21) });
        logger.info("activated " + ctx.agentId);
      },
      async onQuery(ctx: { subject: string }) {
        await Promise.resolve();
        const listed = graphClient.listTriples({ subject: ctx.subject, limit: 5 }) as { triples: Triple[] };
        return { results: listed.triples.map((t) => t.object), additionalContext: "found " + listed.triples.length };
      },
      onDeactivate() { logger.warn("bye"); },
    };
  `;

  test("activates, queries through the host and answers { results, additionalContext }", async () => {
    const { sandbox, host } = await load(source);
    expect(sandbox.name).toBe("notes-skill");
    await sandbox.activate({ agentId: "a1" });
    expect(host.triples).toEqual([{ id: "t1", subject: "notes:a1", predicate: "activated", object: 42 }]);
    expect(await sandbox.query({ subject: "notes:a1" })).toEqual({ results: [42], additionalContext: "found 1" });
    expect(host.calls.map((c) => c.op)).toEqual(["createTriple", "info", "listTriples"]);
    expect(host.calls[2]!.arg).toEqual({ subject: "notes:a1", predicate: undefined, limit: 5 });
    await sandbox.deactivate({});
    expect(host.logs).toEqual([{ level: "info", message: "activated a1" }, { level: "warn", message: "bye" }]);
  });

  test("a skill without hooks activates and answers empty results", async () => {
    const { sandbox } = await load(`export default { name: "bare" };`);
    await sandbox.activate({});
    expect(await sandbox.query({})).toEqual({ results: [] });
  });

  test("values cross as JSON copies: the skill cannot mutate the host's objects or context", async () => {
    const host = new RecordingHost();
    host.triples.push({ id: "t0", subject: "s", predicate: "p", object: { deep: 1 } });
    const ctx = { list: [1] };
    const { sandbox } = await load(
      `export default { name: "m", onQuery(ctx) {
         ctx.list.push(2);
         const got = graphClient.listTriples({});
         got.triples[0].object.deep = 99;
         return { results: [ctx.list.length, got.triples[0].object.deep] };
       } };`,
      {},
      host,
    );
    expect(await sandbox.query(ctx)).toEqual({ results: [2, 99] });
    expect(ctx.list).toEqual([1]);
    expect(host.triples[0]!.object).toEqual({ deep: 1 });
  });
});

describe("the time limit", () => {
  test("a 1-second busy loop is interrupted at the configured 100 ms and the sandbox is disposed", async () => {
    const { sandbox } = await load(
      `export default { name: "busy", onQuery() { const t = Date.now(); while (Date.now() - t < 1000) {} return { results: [] }; } };`,
      { executionTimeoutMs: 100 },
    );
    const started = performance.now();
    const error = await sandboxError(sandbox.query({}));
    const elapsed = performance.now() - started;
    expect(error.kind).toBe("timeout");
    expect(elapsed).toBeGreaterThanOrEqual(100);
    expect(elapsed).toBeLessThan(600);
    expect((await sandboxError(sandbox.query({}))).kind).toBe("contract");
  });

  test("the top-level evaluation has the deadline too", async () => {
    const error = await sandboxError(load(`for (;;) {} export default { name: "never" };`, { executionTimeoutMs: 100 }));
    expect(error.kind).toBe("timeout");
  });

  test("an endless chain of promise jobs is stopped by the same deadline", async () => {
    const { sandbox } = await load(`export default { name: "jobs", async onQuery() { for (;;) await null; } };`, { executionTimeoutMs: 100 });
    expect((await sandboxError(sandbox.query({}))).kind).toBe("timeout");
  });

  test("a promise that can never settle is a contract error, not a hang", async () => {
    const { sandbox } = await load(`export default { name: "pending", onQuery() { return new Promise(() => {}); } };`);
    expect((await sandboxError(sandbox.query({}))).kind).toBe("contract");
  });
});

describe("the memory and stack limits", () => {
  test("a memory bomb of big buffers fails at the memory limit (bytes, not allocations, are capped)", async () => {
    const { sandbox } = await load(
      `export default { name: "buffers", onQuery() { const keep = []; for (;;) keep.push(new Uint8Array(1 << 20)); } };`,
      { executionTimeoutMs: 10_000 },
    );
    expect((await sandboxError(sandbox.query({}))).kind).toBe("memory");
  });

  test("a memory bomb of small objects fails at the memory limit", async () => {
    const { sandbox } = await load(
      `export default { name: "bomb", onQuery() { const keep = []; for (;;) keep.push({ n: keep.length, s: "x" + keep.length }); } };`,
      { executionTimeoutMs: 10_000 },
    );
    expect((await sandboxError(sandbox.query({}))).kind).toBe("memory");
  });

  test("an exception with no value (QuickJS could not even build the error) counts as memory", async () => {
    const { sandbox } = await load(`export default { name: "null", onQuery() { throw null; } };`);
    expect((await sandboxError(sandbox.query({}))).kind).toBe("memory");
  });

  test("deep recursion fails at the stack limit", async () => {
    const { sandbox } = await load(`function down(n) { return down(n + 1) + 1; } export default { name: "deep", onQuery() { down(0); } };`);
    expect((await sandboxError(sandbox.query({}))).kind).toBe("stack");
  });

  test("host RSS returns to its baseline after memory bombs and dispose", async () => {
    const probe = Bun.spawn([process.execPath, join(import.meta.dir, "rss-probe.ts"), "4"], { stdout: "pipe", stderr: "inherit" });
    const [out, code] = await Promise.all([new Response(probe.stdout).text(), probe.exited]);
    expect(code).toBe(0);
    const { kinds, grownBytes } = JSON.parse(out) as { kinds: string[]; grownBytes: number };
    expect(kinds).toEqual(["memory", "memory", "memory", "memory"]);
    // Four 64 MiB heaps (+16 MiB each) were filled; one of them kept alone would add 80 MiB.
    expect(grownBytes).toBeLessThan(32 * 1024 * 1024);
  });
});

describe("no way out to the host", () => {
  test("constructor chains, Function and eval run inside QuickJS and see no host global", async () => {
    (globalThis as Record<string, unknown>).__hostCanary = "host-secret";
    const { sandbox } = await load(`export default { name: "escape", onQuery() {
      const attempt = (f) => { try { const v = f(); return v === undefined ? "undefined" : typeof v === "object" ? Object.keys(v).join(",") : String(v); } catch (e) { return e.name; } };
      return { results: {
        chain: attempt(() => this.constructor.constructor("return process")()),
        chainEnv: attempt(() => this.constructor.constructor("return process.env")()),
        fn: attempt(() => Function("return typeof require + typeof Bun + typeof fetch + typeof setTimeout")()),
        evalCanary: attempt(() => eval("globalThis.__hostCanary")),
        asyncCtor: attempt(() => Object.getPrototypeOf(async function () {}).constructor("return 1").constructor.name),
        viaHostFn: attempt(() => graphClient.createTriple.constructor("return this")().process),
        globals: Object.getOwnPropertyNames(globalThis).filter((k) => !/^[A-Z]/.test(k)).sort().join(","),
        polluted: attempt(() => { Object.prototype.pwned = "yes"; Array.prototype.push = null; return "set"; }),
      } };
    } };`);
    try {
      const { results } = await sandbox.query({});
      expect(results).toEqual({
        chain: "ReferenceError",
        chainEnv: "ReferenceError",
        fn: "undefinedundefinedundefinedundefined",
        evalCanary: "undefined",
        asyncCtor: "AsyncFunction",
        viaHostFn: "undefined",
        // Only the standard library plus the two host objects: no process, require, Bun, fetch, timers or host canary.
        globals: "decodeURI,decodeURIComponent,encodeURI,encodeURIComponent,escape,eval,globalThis,graphClient,isFinite,isNaN,logger,parseFloat,parseInt,undefined,unescape",
        polluted: "set",
      });
      expect(({} as Record<string, unknown>).pwned).toBeUndefined();
      expect(typeof [].push).toBe("function");
    } finally {
      delete (globalThis as Record<string, unknown>).__hostCanary;
    }
  });

  test("the host globals cannot be replaced by the skill", async () => {
    const { sandbox, host } = await load(`export default { name: "swap", onQuery() {
      try { graphClient = null; } catch {}
      try { graphClient.createTriple = () => "fake"; } catch {}
      try { JSON.stringify = () => "{}"; } catch {}
      return { results: graphClient.createTriple({ subject: "s", predicate: "p", object: 1 }) };
    } };`);
    expect((await sandbox.query({})).results).toEqual({ id: "t1", subject: "s", predicate: "p", object: 1 });
    expect(host.count("createTriple")).toBe(1);
  });
});

describe("the host-call limits", () => {
  test("writes beyond maxWritesPerSession are refused: the skill sees a limit error, the host only the admitted writes", async () => {
    const { sandbox, host } = await load(
      `export default { name: "writer", onQuery(ctx) {
        let refused = 0;
        for (let i = 0; i < 5; i++) { try { graphClient.createTriple({ subject: "s" + i, predicate: "p", object: i }); } catch (e) { refused++; if (e.name !== "SandboxLimitError") throw e; } }
        if (ctx.rethrow) graphClient.deleteTriple("t1");
        return { results: refused };
      } };`,
      { maxWritesPerSession: 3 },
    );
    expect((await sandbox.query({})).results).toBe(2);
    expect(host.count("createTriple")).toBe(3);
    const error = await sandboxError(sandbox.query({ rethrow: true }));
    expect([error.kind, error.message]).toEqual(["limit", expect.stringContaining("write limit") as unknown as string]);
    expect(host.count("deleteTriple")).toBe(0);
  });

  test("flooding beyond maxCallsPerMinute is refused until the window slides", async () => {
    let clock = 1_000_000;
    const { sandbox, host } = await load(
      `export default { name: "flood", onQuery() { for (let i = 0; i < 100; i++) graphClient.listTriples({ limit: 1 }); return { results: [] }; } };`,
      { maxCallsPerMinute: 5 },
      new RecordingHost(),
      () => clock,
    );
    const error = await sandboxError(sandbox.query({}));
    expect([error.kind, error.message]).toEqual(["limit", expect.stringContaining("rate limit") as unknown as string]);
    expect(host.count("listTriples")).toBe(5);
    clock += 59_000;
    expect((await sandboxError(sandbox.query({}))).kind).toBe("limit");
    expect(host.count("listTriples")).toBe(5);
    clock += 1_001;
    await sandboxError(sandbox.query({}));
    expect(host.count("listTriples")).toBe(10);
  });

  test("a host refusal reaches the skill as an Error with the message only", async () => {
    const host = new RecordingHost();
    host.deleteTriple = () => {
      throw new Error("not in your namespace");
    };
    const { sandbox } = await load(
      `export default { name: "h", onQuery() { try { graphClient.deleteTriple("x"); } catch (e) { return { results: [e.name, e.message, typeof e.stack] }; } } };`,
      {},
      host,
    );
    expect((await sandbox.query({})).results).toEqual(["HostError", "not in your namespace", "string"]);
  });
});

describe("the runtime contract", () => {
  const cases: Array<[string, string, SandboxErrorKind]> = [
    ["no default export", `export const name = "x";`, "contract"],
    ["a default export that is not an object", `export default 42;`, "contract"],
    ["a default export without a name", `export default { onQuery() { return { results: [] }; } };`, "contract"],
    ["an empty name", `export default { name: "  " };`, "contract"],
    ["a hook that is not a function", `export default { name: "x", onQuery: 1 };`, "contract"],
    ["a top-level throw", `throw new Error("boom"); export default { name: "x" };`, "contract"],
    ["TypeScript that does not parse", `export default { name: "x", onQuery(: number) {} };`, "syntax"],
    ["JavaScript QuickJS rejects", `const m = import.meta; export default { name: "x" };`, "syntax"],
  ];
  for (const [what, source, kind] of cases) {
    test(`${what} → ${kind}`, async () => {
      expect((await sandboxError(load(source))).kind).toBe(kind);
    });
  }

  test("onQuery must answer { results, additionalContext? }", async () => {
    const { sandbox } = await load(`export default { name: "x", onQuery(ctx) { return ctx.answer; } };`);
    expect((await sandboxError(sandbox.query({ answer: [1] }))).kind).toBe("contract");
    expect((await sandboxError(sandbox.query({ answer: { results: 1, additionalContext: 2 } }))).kind).toBe("contract");
    expect(await sandbox.query({ answer: { results: null } })).toEqual({ results: null });
  });

  test("a hook that throws is reported to onError, then surfaces as a contract error", async () => {
    const { sandbox, host } = await load(`export default { name: "x",
      onQuery() { throw new TypeError("bad input"); },
      onError(ctx, error) { logger.error(ctx.hook + "|" + error.kind + "|" + error.message); },
    };`);
    const error = await sandboxError(sandbox.query({}));
    expect(error.kind).toBe("contract");
    expect(error.message).toContain("TypeError: bad input");
    expect(host.logs).toEqual([{ level: "error", message: "onQuery|contract|skill.ts onQuery: TypeError: bad input" }]);
  });
});
