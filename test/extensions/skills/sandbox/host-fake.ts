/**
 * @module A recording {@link SandboxHost} for the sandbox tests, and the default limits they load
 * skills with.
 */
import type { SandboxHost, SandboxLimits } from "../../../../src/extensions/skills/sandbox/types.ts";

/** One host call as the fake saw it. */
export interface HostCall {
  op: string;
  arg: unknown;
}

/** A fake graph host: triples in an array, every call recorded. */
export class RecordingHost implements SandboxHost {
  readonly calls: HostCall[] = [];
  readonly triples: { id: string; subject: string; predicate: string; object: unknown }[] = [];
  readonly logs: { level: string; message: string }[] = [];

  createTriple(t: { subject: string; predicate: string; object: unknown }): unknown {
    this.calls.push({ op: "createTriple", arg: t });
    const triple = { id: `t${this.triples.length + 1}`, ...t };
    this.triples.push(triple);
    return triple;
  }

  listTriples(q: { subject?: string; predicate?: string; limit?: number }): unknown {
    this.calls.push({ op: "listTriples", arg: q });
    const hits = this.triples.filter((t) => (!q.subject || t.subject === q.subject) && (!q.predicate || t.predicate === q.predicate));
    return { triples: hits.slice(0, q.limit ?? 20) };
  }

  patternQuery(q: { subject?: string; predicate?: string; object?: unknown; limit?: number }): unknown {
    this.calls.push({ op: "patternQuery", arg: q });
    return { matches: [] };
  }

  deleteTriple(id: string): unknown {
    this.calls.push({ op: "deleteTriple", arg: id });
    return { deleted: true };
  }

  log(level: "info" | "warn" | "error", message: string): void {
    this.calls.push({ op: level, arg: message });
    this.logs.push({ level, message });
  }

  /** How many calls of `op` reached the host. */
  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }
}

/** Limits for tests: the config defaults (§9) with a short deadline. */
export function testLimits(overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  return {
    memoryLimitBytes: 8 * 1024 * 1024,
    maxStackSizeBytes: 512 * 1024,
    executionTimeoutMs: 1000,
    maxCallsPerMinute: 60,
    maxWritesPerSession: 50,
    ...overrides,
  };
}
