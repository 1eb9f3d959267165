/**
 * @module Buffered trace writes, off the agent's hot path: hooks only append to an in-memory queue; a timer flushes
 * the queue to the store in one transaction every `intervalMs`, reads flush first (so a query sees everything
 * recorded so far), and stop makes a last flush. A full queue drops its oldest events (counted); a failed flush puts
 * its events back in front of the queue for the next try. Unlike the reference, nothing is dropped for being a few
 * minutes old: the store's retention decides what is too old.
 */
import type { TraceEvent } from "./events.ts";

/** Where flushed events go. */
export interface TraceSink {
  /** Writes the batch (in one transaction) and returns how many old events retention deleted. */
  insert(events: TraceEvent[]): number;
}

/** The buffer's counters, for `observe.status`. */
export interface BufferStatus {
  pending: number;
  /** Events dropped because the queue was full. */
  dropped: number;
  /** Events written. */
  written: number;
  /** Old events deleted by retention. */
  pruned: number;
  flushes: number;
  failedFlushes: number;
  lastFlushAt?: string;
  lastError?: string;
}

/** Options of a {@link TraceBuffer}. */
export interface TraceBufferOptions {
  /** Most events held between flushes. */
  capacity: number;
  /** Flush period of {@link TraceBuffer.start}. */
  intervalMs: number;
  /** Called after every flush attempt (tests await it; metrics count it). */
  onFlush?(outcome: { ok: boolean; written: number; error?: string }): void;
}

/** The in-memory queue in front of the store. */
export class TraceBuffer {
  private queue: TraceEvent[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private readonly counters = { dropped: 0, written: 0, pruned: 0, flushes: 0, failedFlushes: 0 };
  private lastFlushAt: number | undefined;
  private lastError: string | undefined;

  constructor(private readonly sink: () => TraceSink, private readonly o: TraceBufferOptions) {}

  /** Queues one event, dropping the oldest when full. Ignored once stopped. */
  push(event: TraceEvent): void {
    if (this.closed) return;
    if (this.queue.length >= this.o.capacity) {
      this.queue.shift();
      this.counters.dropped++;
    }
    this.queue.push(event);
  }

  /** Writes every queued event now, in one transaction; on failure they stay queued. Never throws. */
  flush(): void {
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    try {
      this.counters.pruned += this.sink().insert(batch);
      this.counters.written += batch.length;
      this.counters.flushes++;
      this.lastFlushAt = Date.now();
      this.lastError = undefined;
      this.o.onFlush?.({ ok: true, written: batch.length });
    } catch (err) {
      // Back in front, behind nothing newer than them; the capacity still holds.
      const merged = batch.concat(this.queue);
      this.counters.dropped += Math.max(0, merged.length - this.o.capacity);
      this.queue = merged.slice(-this.o.capacity);
      this.counters.failedFlushes++;
      this.lastError = (err as Error).message ?? String(err);
      this.o.onFlush?.({ ok: false, written: 0, error: this.lastError });
    }
  }

  /** Starts the periodic flush (the timer never keeps the process alive). */
  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.flush(), this.o.intervalMs);
    this.timer.unref?.();
  }

  /** Stops the timer, makes a last flush, and refuses later events. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
    this.closed = true;
  }

  /** Counters and the queue length. */
  status(): BufferStatus {
    return {
      pending: this.queue.length, ...this.counters,
      ...(this.lastFlushAt !== undefined && { lastFlushAt: new Date(this.lastFlushAt).toISOString() }), ...(this.lastError !== undefined && { lastError: this.lastError }),
    };
  }
}
