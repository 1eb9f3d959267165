/**
 * @module The bridge between a QuickJS context and the {@link SandboxHost}: it defines the only
 * globals a skill gets from the host, `graphClient.{createTriple,listTriples,patternQuery,
 * deleteTriple}` and `logger.{info,warn,error}` (extensions.md §9), all funnelled through one
 * private function that takes and returns JSON text, so no host object ever enters the sandbox.
 * Each call is admitted by the {@link HostCallBudget} first.
 */
import type { QuickJSContext, QuickJSHandle, VmCallResult } from "quickjs-emscripten";
import type { HostCallBudget } from "./call-budget.ts";
import type { SandboxHost } from "./types.ts";

/** The name a refused host call's error carries inside the sandbox. */
export const LIMIT_ERROR_NAME = "SandboxLimitError";

/** Longest log message passed on to the host. */
const MAX_LOG_CHARS = 2000;

/**
 * Evaluated before the skill: captures JSON and Object.freeze before skill code can replace them,
 * defines the frozen globals, and returns the codec the host uses to pass values in and out.
 */
const BOOTSTRAP = `(function (raw) {
  "use strict";
  const stringify = JSON.stringify, parse = JSON.parse, freeze = Object.freeze, define = Object.defineProperty;
  const call = (op, arg) => {
    const out = raw(op, stringify(arg === undefined ? null : arg));
    return out === undefined ? undefined : parse(out);
  };
  const log = (level) => (message) => { call(level, String(message)); };
  const constant = (name, value) => define(globalThis, name, { value: freeze(value), enumerable: false, writable: false, configurable: false });
  constant("graphClient", {
    createTriple: (triple) => call("createTriple", triple),
    listTriples: (query) => call("listTriples", query ?? {}),
    patternQuery: (query) => call("patternQuery", query ?? {}),
    deleteTriple: (id) => call("deleteTriple", id),
  });
  constant("logger", { info: log("info"), warn: log("warn"), error: log("error") });
  return freeze({ encode: (value) => stringify(value), decode: (text) => parse(text) });
})`;

type Args = Record<string, unknown>;

function isRecord(value: unknown): value is Args {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(q: Args, key: string): string | undefined {
  const v = q[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new TypeError(`${key} must be a string`);
  return v;
}

function optionalLimit(q: Args): number | undefined {
  const v = q.limit;
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 0) throw new TypeError("limit must be a non-negative integer");
  return v;
}

function record(arg: unknown, what: string): Args {
  if (!isRecord(arg)) throw new TypeError(`${what} must be an object`);
  return arg;
}

/** Validates the decoded argument of `op` and calls the host with only the documented fields. */
function dispatch(host: SandboxHost, op: string, arg: unknown): unknown {
  switch (op) {
    case "createTriple": {
      const t = record(arg, "triple");
      const subject = optionalString(t, "subject"), predicate = optionalString(t, "predicate");
      if (!subject || !predicate) throw new TypeError("subject and predicate are required strings");
      return host.createTriple({ subject, predicate, object: t.object ?? null });
    }
    case "listTriples": {
      const q = record(arg, "query");
      return host.listTriples({ subject: optionalString(q, "subject"), predicate: optionalString(q, "predicate"), limit: optionalLimit(q) });
    }
    case "patternQuery": {
      const q = record(arg, "query");
      return host.patternQuery({
        subject: optionalString(q, "subject"), predicate: optionalString(q, "predicate"), object: q.object, limit: optionalLimit(q),
      });
    }
    case "deleteTriple":
      if (typeof arg !== "string" || arg === "") throw new TypeError("id must be a non-empty string");
      return host.deleteTriple(arg);
    case "info":
    case "warn":
    case "error":
      host.log(op, String(arg).slice(0, MAX_LOG_CHARS));
      return undefined;
    default:
      throw new TypeError(`unknown host function ${op}`);
  }
}

function isThenable(value: unknown): boolean {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** What the sandbox keeps from the bridge: the codec functions and a count of refused calls. */
export interface HostBridge {
  /** Sandbox-side `JSON.stringify` as it was before skill code ran (owned; dispose with the context). */
  encode: QuickJSHandle;
  /** Sandbox-side `JSON.parse` as it was before skill code ran (owned). */
  decode: QuickJSHandle;
  /** How many host calls the budget refused so far. */
  refusals(): number;
}

/**
 * Installs the host globals in `vm` (before any skill code runs).
 * @throws Error if the bootstrap itself fails (it does not touch skill code).
 */
export function installHostBridge(vm: QuickJSContext, host: SandboxHost, budget: HostCallBudget): HostBridge {
  let refused = 0;
  const raw = vm.newFunction("host", (opHandle, argHandle): VmCallResult<QuickJSHandle> => {
    const fail = (name: string, message: string) => ({ error: vm.newError({ name, message }) });
    if (vm.typeof(opHandle) !== "string" || vm.typeof(argHandle) !== "string") return fail("TypeError", "bad host call");
    const op = vm.getString(opHandle);
    const refusal = budget.admit(op);
    if (refusal !== undefined) {
      refused += 1;
      return fail(LIMIT_ERROR_NAME, refusal);
    }
    let result: unknown;
    try {
      result = dispatch(host, op, JSON.parse(vm.getString(argHandle)));
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      return fail(e instanceof TypeError ? "TypeError" : "HostError", e.message);
    }
    if (isThenable(result)) return fail("HostError", `${op}: the host answered asynchronously`);
    const text = JSON.stringify(result);
    return { value: text === undefined ? vm.undefined : vm.newString(text) };
  });
  const factory = vm.unwrapResult(vm.evalCode(BOOTSTRAP, "host-bridge.js"));
  const codec = vm.unwrapResult(vm.callFunction(factory, vm.undefined, raw));
  factory.dispose();
  raw.dispose();
  const encode = vm.getProp(codec, "encode");
  const decode = vm.getProp(codec, "decode");
  codec.dispose();
  return { encode, decode, refusals: () => refused };
}
