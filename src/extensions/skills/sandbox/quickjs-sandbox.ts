/**
 * @module Loading a skill into its QuickJS WebAssembly sandbox (extensions.md §9 "Loading pipeline"
 * steps 3–5, §10 layer 3): transpile, evaluate in a fresh runtime with the memory, stack and time
 * limits and only the host bridge, check the default export against the runtime contract, and hand
 * back the hooks. The static scan (step 2) is the caller's, before this.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from "quickjs-emscripten";
import { HostCallBudget } from "./call-budget.ts";
import { newQuickJsInstance } from "./engine.ts";
import { FATAL_KINDS, SandboxError } from "./errors.ts";
import { installHostBridge, type HostBridge } from "./host-bridge.ts";
import { toSandboxScript } from "./transpile.ts";
import type { SandboxOptions, SkillSandbox } from "./types.ts";
import { Deadline, settle, type EntryContext } from "./vm-call.ts";

/** The variable `export default` is assigned to; local to the wrapper function. */
const CAPTURE = "__mayrosSkillExport";
const HOOKS = ["onActivate", "onQuery", "onDeactivate", "onError"] as const;
type Hook = (typeof HOOKS)[number];

/** Wraps the transpiled skill so its top level is function-local and the function returns the export. */
function wrap(script: string): string {
  return `(function () {\n"use strict";\nlet ${CAPTURE};\n${script}\n;return ${CAPTURE};\n})()`;
}

/** Frees the handles, the context and the runtime (the WebAssembly instance goes with the last reference). */
function release(runtime: QuickJSRuntime, vm: QuickJSContext, handles: QuickJSHandle[]): void {
  for (const handle of handles) if (handle.alive) handle.dispose();
  try {
    vm.dispose();
    runtime.dispose();
  } catch {
    // After an out-of-memory the runtime may hold leaked objects; its WebAssembly instance is dropped anyway.
  }
}

/** What a live sandbox holds; dropped whole on dispose so a kept sandbox object keeps no WebAssembly memory. */
interface LiveVm {
  runtime: QuickJSRuntime;
  vm: QuickJSContext;
  deadline: Deadline;
  bridge: HostBridge;
  /** The default export (owned). */
  skill: QuickJSHandle;
}

/** One loaded skill inside its own QuickJS runtime. */
class QuickJsSkillSandbox implements SkillSandbox {
  private live: LiveVm | undefined;

  constructor(
    readonly name: string,
    private readonly filename: string,
    live: LiveVm,
    private readonly hooks: ReadonlySet<Hook>,
  ) {
    this.live = live;
  }

  async activate(ctx: unknown): Promise<void> {
    await this.invoke("onActivate", ctx);
  }

  async query(ctx: unknown): Promise<{ results: unknown; additionalContext?: string }> {
    const answer = await this.invoke("onQuery", ctx);
    if (!this.hooks.has("onQuery")) return { results: [] };
    const shape = answer as { results?: unknown; additionalContext?: unknown } | null;
    if (typeof shape !== "object" || shape === null || !("results" in shape)) {
      throw new SandboxError("contract", `${this.filename} onQuery: must return { results, additionalContext? }`);
    }
    if (shape.additionalContext !== undefined && typeof shape.additionalContext !== "string") {
      throw new SandboxError("contract", `${this.filename} onQuery: additionalContext must be a string`);
    }
    return shape.additionalContext === undefined
      ? { results: shape.results }
      : { results: shape.results, additionalContext: shape.additionalContext };
  }

  async deactivate(ctx: unknown): Promise<void> {
    await this.invoke("onDeactivate", ctx);
  }

  dispose(): void {
    const live = this.live;
    if (!live) return;
    this.live = undefined;
    release(live.runtime, live.vm, [live.skill, live.bridge.encode, live.bridge.decode]);
  }

  /** Runs a hook with `ctx`; on a non-fatal failure tells the skill's onError, on a fatal one disposes. */
  private async invoke(hook: Hook, ctx: unknown): Promise<unknown> {
    const live = this.live;
    if (!live) throw new SandboxError("contract", `${this.filename}: the sandbox is disposed`);
    if (!this.hooks.has(hook)) return undefined;
    try {
      return this.call(live, hook, [ctx]);
    } catch (error) {
      if (error instanceof SandboxError && FATAL_KINDS.has(error.kind)) this.dispose();
      else if (hook !== "onError" && this.hooks.has("onError")) this.reportToSkill(live, hook, error);
      throw error;
    }
  }

  /** Calls `onError(ctx, { hook, kind, message })`; its own failure is dropped unless fatal. */
  private reportToSkill(live: LiveVm, hook: Hook, error: unknown): void {
    const kind = error instanceof SandboxError ? error.kind : "contract";
    const message = error instanceof Error ? error.message : String(error);
    try {
      this.call(live, "onError", [{ hook }, { hook, kind, message }]);
    } catch (failure) {
      if (failure instanceof SandboxError && FATAL_KINDS.has(failure.kind)) this.dispose();
    }
  }

  /** One entry: marshals the arguments in as JSON, calls the hook as a method, returns its JSON-decoded answer. */
  private call(live: LiveVm, hook: Hook, args: unknown[]): unknown {
    const { vm, runtime, bridge, skill } = live;
    const refusalsBefore = bridge.refusals();
    const at: EntryContext = {
      vm, deadline: live.deadline, label: `${this.filename} ${hook}`, evaluating: false,
      refusedDuring: () => bridge.refusals() > refusalsBefore,
    };
    live.deadline.start();
    const handles: QuickJSHandle[] = [];
    const fn = vm.getProp(skill, hook);
    try {
      for (const arg of args) handles.push(decode(live, arg, at));
      const value = settle(runtime, vm.callFunction(fn, skill, ...handles), at);
      return encode(live, value, at);
    } finally {
      fn.dispose();
      for (const handle of handles) handle.dispose();
    }
  }
}

/** JSON-decodes a host value inside the VM (a fresh VM value, owned by the caller). */
function decode({ vm, runtime, bridge }: LiveVm, value: unknown, at: EntryContext): QuickJSHandle {
  const text = vm.newString(JSON.stringify(value ?? null));
  try {
    return settle(runtime, vm.callFunction(bridge.decode, vm.undefined, text), at);
  } finally {
    text.dispose();
  }
}

/** JSON-encodes a VM value inside the VM (disposing it) and parses it on the host. */
function encode({ vm, runtime, bridge }: LiveVm, value: QuickJSHandle, at: EntryContext): unknown {
  try {
    const text = settle(runtime, vm.callFunction(bridge.encode, vm.undefined, value), at);
    const json = vm.typeof(text) === "string" ? vm.getString(text) : undefined;
    text.dispose();
    return json === undefined ? undefined : JSON.parse(json);
  } finally {
    value.dispose();
  }
}

/** Reads the default export's name and hooks. @throws SandboxError `contract` if it breaks the contract. */
function readContract(vm: QuickJSContext, skill: QuickJSHandle, filename: string): { name: string; hooks: Set<Hook> } {
  const fail = (why: string) => new SandboxError("contract", `${filename}: the default export ${why}`);
  if (vm.typeof(skill) !== "object" || vm.sameValue(skill, vm.null)) throw fail("must be an object { name, onActivate?, onQuery?, onDeactivate?, onError? }");
  const nameHandle = vm.getProp(skill, "name");
  const name = vm.typeof(nameHandle) === "string" ? vm.getString(nameHandle).trim() : "";
  nameHandle.dispose();
  if (name === "") throw fail("needs a non-empty string name");
  const hooks = new Set<Hook>();
  for (const hook of HOOKS) {
    const handle = vm.getProp(skill, hook);
    const type = vm.typeof(handle);
    handle.dispose();
    if (type === "function") hooks.add(hook);
    else if (type !== "undefined") throw fail(`has ${hook} that is not a function`);
  }
  return { name, hooks };
}

/**
 * Loads a skill's code into a fresh QuickJS WebAssembly sandbox and evaluates it (under the
 * deadline), exposing only `graphClient` and `logger` (extensions.md §9).
 * @param source `skill.ts` or `skill.js` text, already statically scanned by the caller.
 * @throws SandboxError `syntax` (does not parse), `contract` (bad default export or a top-level
 * throw), `timeout` / `memory` / `stack` (the top level broke a limit); the runtime is freed then.
 */
export async function loadSkillSandbox(source: string, opts: SandboxOptions): Promise<SkillSandbox> {
  const { filename, limits, host } = opts;
  const script = wrap(toSandboxScript(source, filename, CAPTURE));
  const runtime = (await newQuickJsInstance(limits.memoryLimitBytes)).newRuntime();
  const vm = runtime.newContext();
  let bridge: HostBridge | undefined;
  try {
    runtime.setMemoryLimit(limits.memoryLimitBytes);
    runtime.setMaxStackSize(limits.maxStackSizeBytes);
    const deadline = new Deadline(runtime, limits.executionTimeoutMs);
    bridge = installHostBridge(vm, host, new HostCallBudget(limits.maxCallsPerMinute, limits.maxWritesPerSession, opts.now ?? Date.now));
    const { refusals } = bridge;
    const before = refusals();
    const at: EntryContext = { vm, deadline, label: filename, evaluating: true, refusedDuring: () => refusals() > before };
    deadline.start();
    const skill = settle(runtime, vm.evalCode(script, filename), at);
    try {
      const { name, hooks } = readContract(vm, skill, filename);
      return new QuickJsSkillSandbox(name, filename, { runtime, vm, deadline, bridge, skill }, hooks);
    } catch (error) {
      skill.dispose();
      throw error;
    }
  } catch (error) {
    release(runtime, vm, bridge ? [bridge.encode, bridge.decode] : []);
    throw error;
  }
}
