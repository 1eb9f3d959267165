/**
 * @module One entry into a QuickJS runtime under a deadline: evaluate or call, drive the promise
 * jobs until a returned promise settles, and turn whatever the VM threw into a {@link SandboxError}
 * with the right kind (extensions.md §10 layer 3).
 */
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, VmCallResult } from "quickjs-emscripten";
import { SandboxError, type SandboxErrorKind } from "./errors.ts";
import { LIMIT_ERROR_NAME } from "./host-bridge.ts";

/** The runtime a sandbox enters, with the deadline its interrupt handler checks. */
export class Deadline {
  private until = Number.POSITIVE_INFINITY;

  constructor(
    runtime: QuickJSRuntime,
    private readonly timeoutMs: number,
  ) {
    runtime.setInterruptHandler(() => this.passed());
  }

  /** Starts the clock of one entry. */
  start(): void {
    this.until = performance.now() + this.timeoutMs;
  }

  /** Whether the current entry is past its deadline. */
  passed(): boolean {
    return performance.now() > this.until;
  }

  /** The entry's budget, for messages. */
  get ms(): number {
    return this.timeoutMs;
  }
}

/** What is known of a value the VM threw; reading it cannot run skill code past the deadline. */
interface Thrown {
  name: string;
  message: string;
}

function stringProp(vm: QuickJSContext, handle: QuickJSHandle, key: string): string {
  try {
    const prop = vm.getProp(handle, key);
    const value = vm.typeof(prop) === "string" ? vm.getString(prop) : "";
    prop.dispose();
    return value;
  } catch {
    return "";
  }
}

/** What QuickJS leaves as the exception when it could not even allocate the "out of memory" error. */
const NOTHING_THROWN: Thrown = { name: "InternalError", message: "out of memory (no exception object)" };

/**
 * Reads name and message of a thrown handle (an Error, a primitive, or null/undefined when an
 * allocation failed so early that QuickJS could not build its error — a skill throwing null itself
 * only gets itself disposed) and disposes it.
 */
function readThrown(vm: QuickJSContext, handle: QuickJSHandle): Thrown {
  try {
    const type = vm.typeof(handle);
    if (type === "undefined" || vm.sameValue(handle, vm.null)) return NOTHING_THROWN;
    if (type === "object") return { name: stringProp(vm, handle, "name"), message: stringProp(vm, handle, "message") };
    if (type === "string") return { name: "", message: vm.getString(handle) };
    return { name: "", message: type };
  } catch {
    return NOTHING_THROWN;
  } finally {
    if (handle.alive) handle.dispose();
  }
}

/** The circumstances of an entry, for classification. */
export interface EntryContext {
  vm: QuickJSContext;
  deadline: Deadline;
  /** e.g. `skill.ts onQuery`. */
  label: string;
  /** The top-level evaluation: a SyntaxError there is a `syntax` error. */
  evaluating: boolean;
  /** Whether the host refused a call during this entry (so a LimitError is genuine). */
  refusedDuring: () => boolean;
}

function classify(thrown: Thrown, at: EntryContext): SandboxError {
  const { name, message } = thrown;
  const detail = `${at.label}: ${name ? `${name}: ` : ""}${message}`;
  let kind: SandboxErrorKind = "contract";
  if (message === "interrupted" || at.deadline.passed()) kind = "timeout";
  else if (/out of memory|string too long|invalid array length/i.test(message)) kind = "memory";
  else if (/stack overflow|call stack size/i.test(message)) kind = "stack";
  else if (name === "SyntaxError" && at.evaluating) kind = "syntax";
  else if (name === LIMIT_ERROR_NAME && at.refusedDuring()) kind = "limit";
  const text = kind === "timeout" ? `${at.label}: exceeded ${at.deadline.ms} ms` : detail;
  return new SandboxError(kind, text);
}

/**
 * Finishes an entry: unwraps the result, runs pending jobs until a returned promise settles (within
 * the same deadline), and returns the settled value (owned by the caller).
 * @throws SandboxError of the kind the VM's failure maps to; `contract` if a promise can never settle.
 */
export function settle(runtime: QuickJSRuntime, result: VmCallResult<QuickJSHandle>, at: EntryContext): QuickJSHandle {
  const { vm } = at;
  if (result.error) throw classify(readThrown(vm, result.error), at);
  let handle = result.value;
  for (;;) {
    const state = vm.getPromiseState(handle);
    if (state.type === "fulfilled") {
      if (state.notAPromise) return handle;
      handle.dispose();
      handle = state.value;
      continue;
    }
    if (state.type === "rejected") {
      handle.dispose();
      throw classify(readThrown(vm, state.error), at);
    }
    if (!runtime.hasPendingJob()) {
      handle.dispose();
      throw new SandboxError("contract", `${at.label}: returned a promise that can never settle`);
    }
    const jobs = runtime.executePendingJobs();
    if (jobs.error) {
      handle.dispose();
      throw classify(readThrown(vm, jobs.error), at);
    }
    if (at.deadline.passed()) {
      handle.dispose();
      throw classify({ name: "InternalError", message: "interrupted" }, at);
    }
  }
}
