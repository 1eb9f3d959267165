/**
 * @module The hook runner (extensions.md §1.4): handlers sorted by priority (highest first, then registration
 * order); void hooks run in parallel, modifying hooks in order with their results merged; `tool_result_persist`
 * runs synchronously (a handler returning a Promise is warned about and ignored). A throwing handler is logged
 * with its plugin id and skipped, so no plugin can break the agent loop. Unlike the reference, `before_tool_call`
 * keeps a `reason` as the `blockReason`, so the model always learns why a call was blocked.
 */
import type { PluginHookContext, PluginHookEvent, PluginHookHandler, PluginHookName, PluginHookResult } from "./api.ts";

interface Registered {
  pluginId: string;
  priority: number;
  order: number;
  handler: (event: unknown, ctx: PluginHookContext) => unknown;
}

/** Where handler failures are reported. */
export interface HookLog {
  warn(message: string, fields?: Record<string, unknown>): void;
}

type Merged = Record<string, unknown>;

/** What {@link HookRunner.emit} returns when no handler returned a promise. */
const SETTLED: Promise<void> = Promise.resolve();

/** Whether a handler returned a promise (or another thenable) to wait for. */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === "function";
}

/** How two results of a modifying hook combine (`acc` is the merge so far, `next` the later handler's result). */
const MERGERS: Partial<Record<PluginHookName, (acc: Merged, next: Merged) => Merged>> = {
  // The last systemPrompt wins; prependContext pieces are joined by a blank line.
  before_prompt_build: promptMerge,
  before_agent_start: (acc, next) => ({ ...promptMerge(acc, next), ...firstDefined(acc, next, ["modelOverride"]) }),
  before_model_resolve: (acc, next) => firstDefined(acc, next, ["modelOverride", "providerOverride"]),
  before_tool_call: (acc, next) => {
    const merged = { ...acc, ...defined(next) };
    const reason = next.blockReason ?? next.reason;
    if (reason !== undefined) merged.blockReason = reason;
    delete merged.reason;
    return merged;
  },
};

function defined(o: Merged): Merged {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function firstDefined(acc: Merged, next: Merged, keys: string[]): Merged {
  const out = { ...acc };
  for (const k of keys) if (out[k] === undefined && next[k] !== undefined) out[k] = next[k];
  return out;
}

function promptMerge(acc: Merged, next: Merged): Merged {
  const out = { ...acc };
  if (next.systemPrompt !== undefined) out.systemPrompt = next.systemPrompt;
  if (typeof next.prependContext === "string" && next.prependContext) {
    out.prependContext = typeof acc.prependContext === "string" && acc.prependContext ? `${acc.prependContext}\n\n${next.prependContext}` : next.prependContext;
  }
  return out;
}

/** The registered handlers of every hook. */
export class HookRunner {
  private readonly handlers = new Map<PluginHookName, Registered[]>();
  private order = 0;

  constructor(private readonly log: HookLog) {}

  /** Registers a handler of `pluginId`. */
  on<H extends PluginHookName>(pluginId: string, hook: H, handler: PluginHookHandler<H>, priority = 0): void {
    const list = this.handlers.get(hook) ?? [];
    list.push({ pluginId, priority, order: this.order++, handler: handler as Registered["handler"] });
    list.sort((a, b) => b.priority - a.priority || a.order - b.order);
    this.handlers.set(hook, list);
  }

  /** Whether any handler listens to `hook` (callers skip building events nobody reads). */
  has(hook: PluginHookName): boolean {
    return (this.handlers.get(hook)?.length ?? 0) > 0;
  }

  /**
   * Runs a void hook: every handler in parallel; resolves when all settled. Never throws. Synchronous handlers (the
   * usual case: they count and queue) finish before this returns, and only a handler's returned promise is awaited,
   * so a hook costs no promise per handler.
   */
  emit<H extends PluginHookName>(hook: H, event: PluginHookEvent<H>, ctx: PluginHookContext = {}): Promise<void> {
    const list = this.handlers.get(hook);
    if (!list?.length) return SETTLED;
    let pending: Array<Promise<void>> | undefined;
    for (const h of list) {
      try {
        const result = h.handler(event, ctx);
        if (isThenable(result)) (pending ??= []).push(Promise.resolve(result).then(() => {}, (err: unknown) => this.failed(hook, h, err)));
      } catch (err) {
        this.failed(hook, h, err);
      }
    }
    return pending ? Promise.all(pending).then(() => {}) : SETTLED;
  }

  /** Runs a modifying hook: handlers in priority order, results merged; undefined when nobody answered. Never throws. */
  async run<H extends PluginHookName>(hook: H, event: PluginHookEvent<H>, ctx: PluginHookContext = {}): Promise<Partial<Exclude<PluginHookResult<H>, void>> | undefined> {
    const list = this.handlers.get(hook);
    if (!list?.length) return undefined;
    const merge = MERGERS[hook] ?? ((acc: Merged, next: Merged) => ({ ...acc, ...defined(next) }));
    let acc: Merged | undefined;
    for (const h of list) {
      try {
        const result = await h.handler(event, ctx);
        if (result && typeof result === "object") acc = merge(acc ?? {}, result as Merged);
      } catch (err) {
        this.failed(hook, h, err);
      }
    }
    return acc as Partial<Exclude<PluginHookResult<H>, void>> | undefined;
  }

  /** Runs `tool_result_persist` synchronously, each handler seeing the previous one's message. */
  persistToolResult(event: PluginHookEvent<"tool_result_persist">, ctx: PluginHookContext = {}): string {
    let message = event.message;
    for (const h of this.handlers.get("tool_result_persist") ?? []) {
      try {
        const result = h.handler({ ...event, message }, ctx);
        if (result instanceof Promise) {
          this.log.warn("plugin hook returned a Promise from synchronous tool_result_persist; result ignored", { plugin: h.pluginId });
          result.catch(() => {});
          continue;
        }
        const next = (result as { message?: unknown } | undefined)?.message;
        if (typeof next === "string") message = next;
      } catch (err) {
        this.failed("tool_result_persist", h, err);
      }
    }
    return message;
  }

  private failed(hook: string, h: Registered, err: unknown): void {
    this.log.warn("plugin hook failed", { plugin: h.pluginId, hook, error: err instanceof Error ? err.message : String(err) });
  }
}
