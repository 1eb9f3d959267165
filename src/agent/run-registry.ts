/**
 * @module Runs by id: start, abort (one run or a whole session), finish, and `agent.wait`. Finished
 * runs stay answerable for 10 minutes so a late wait still gets the outcome (agent.md §1.2).
 */

/** How a run ended. */
export type RunStatus = "running" | "ok" | "error" | "aborted";

/** One run. */
export interface RunRecord {
  runId: string;
  sessionKey: string;
  startedAt: number;
  endedAt?: number;
  status: RunStatus;
  error?: string;
  controller: AbortController;
  /** Why it was aborted: `rpc` (chat.abort), `stop` (`/stop`), `interrupt` (a newer message), `timeout`. */
  abortOrigin?: string;
}

/** What `agent.wait` answers. */
export interface WaitResult {
  runId: string;
  status: "ok" | "error" | "timeout";
  startedAt?: number;
  endedAt?: number;
  error?: string;
}

/** How long finished runs are kept for late waits. */
const FINISHED_TTL_MS = 10 * 60_000;

/** Live and recently finished runs. */
export class RunRegistry {
  private readonly runs = new Map<string, RunRecord>();
  private readonly waiters = new Map<string, Array<() => void>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Registers a new running run. */
  start(runId: string, sessionKey: string): RunRecord {
    this.prune();
    const run: RunRecord = { runId, sessionKey, startedAt: this.now(), status: "running", controller: new AbortController() };
    this.runs.set(runId, run);
    return run;
  }

  /** A run by id. */
  get(runId: string): RunRecord | undefined {
    return this.runs.get(runId);
  }

  /** Marks a run finished and wakes its waiters. */
  finish(runId: string, status: Exclude<RunStatus, "running">, error?: string): void {
    const run = this.runs.get(runId);
    if (!run || run.status !== "running") return;
    run.status = status;
    run.endedAt = this.now();
    if (error !== undefined) run.error = error;
    for (const wake of this.waiters.get(runId) ?? []) wake();
    this.waiters.delete(runId);
  }

  /** Running runs of a session. */
  running(sessionKey: string): RunRecord[] {
    return [...this.runs.values()].filter((r) => r.sessionKey === sessionKey && r.status === "running");
  }

  /**
   * Aborts one run, or every running run of `sessionKey`, recording `origin` (the first one wins).
   * @returns the aborted run ids.
   */
  abort(sessionKey: string, runId?: string, origin = "rpc"): string[] {
    const targets = runId ? [this.runs.get(runId)].filter((r): r is RunRecord => r?.status === "running") : this.running(sessionKey);
    for (const run of targets) {
      run.abortOrigin ??= origin;
      run.controller.abort();
    }
    return targets.map((r) => r.runId);
  }

  /**
   * Waits until the run ends or `timeoutMs` passes (waiting never stops the run). A run not
   * started yet (still queued behind another on its session lane) is waited for too.
   */
  async wait(runId: string, timeoutMs: number): Promise<WaitResult> {
    const run = this.runs.get(runId);
    if ((!run || run.status === "running") && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const list = this.waiters.get(runId) ?? [];
        const wake = () => { clearTimeout(timer); resolve(); };
        const timer = setTimeout(() => {
          const left = (this.waiters.get(runId) ?? []).filter((w) => w !== wake);
          if (left.length > 0) this.waiters.set(runId, left);
          else this.waiters.delete(runId);
          resolve();
        }, timeoutMs);
        list.push(wake);
        this.waiters.set(runId, list);
      });
    }
    const done = this.runs.get(runId);
    if (!done || done.status === "running") return { runId, status: "timeout" };
    const status = done.status === "ok" ? "ok" : done.status === "aborted" ? "timeout" : "error";
    return { runId, status, startedAt: done.startedAt, endedAt: done.endedAt, ...(done.error && { error: done.error }) };
  }

  private prune(): void {
    const cutoff = this.now() - FINISHED_TTL_MS;
    for (const [id, run] of this.runs) if (run.endedAt !== undefined && run.endedAt < cutoff) this.runs.delete(id);
  }
}
