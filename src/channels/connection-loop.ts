/**
 * @module The connect-and-retry lifecycle of an adapter that keeps one connection per account: `start()` makes an
 * attempt (`connecting` → `connected`), a failed attempt or a connection lost later reports `disconnected` with
 * `lastError` and retries after a backoff delay ({@link backoffDelay}) until it connects; `stop()` (or the gateway
 * aborting the context) ends the run. A generation counter makes late results of a stopped or superseded attempt
 * harmless, and each attempt reports at most one failure. A failure that retrying cannot fix ({@link
 * ConnectionLoopOptions.isFatal}) reports `error` instead and ends the retries until the next `start()`.
 */
import { backoffDelay } from "./backoff.ts";
import type { ChannelContext, ChannelStatus } from "./types.ts";

/** One connection attempt, as its `connect` sees it. */
export interface ConnectionAttempt {
  /** False once the run stopped, a newer attempt began or this one failed: its results must be dropped. */
  readonly current: boolean;
  /** Reports that this attempt's connection was lost (or failed outside `connect`): `disconnected` and a retry. */
  lost(message: string): void;
}

/** What {@link createConnectionLoop} needs. */
export interface ConnectionLoopOptions {
  channel: string;
  accountId: string;
  /** Identity fields added to every status; read at each status, so an adapter may fill them in once it learns them. */
  identity?: Pick<ChannelStatus, "botId" | "botName">;
  /** Retry delays: doubling from `initialMs` (default 1000) up to `maxMs` (default 10 000), ±20 % jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** The log message of a failure, e.g. `"bluebubbles unreachable"`. */
  warning: string;
  /** Connects; resolves once connected, throws when the attempt failed (the error's message becomes `lastError`). */
  connect(attempt: ConnectionAttempt): Promise<void>;
  /** Whether an error thrown by `connect` means retrying cannot help (e.g. rejected credentials). Default: never. */
  isFatal?(error: unknown): boolean;
  /** Releases what the latest attempt holds; called (not awaited) after a failure and (awaited) on stop. */
  release?(): Promise<void> | void;
}

/** A running or stopped connection lifecycle; the adapter's `start`, `stop` and `status` delegate to it. */
export interface ConnectionLoop {
  /** Stops the previous run, then makes the first attempt; resolves once it settled (connected or failed). */
  start(ctx: ChannelContext): Promise<void>;
  /** Ends the run: no more retries, `release()`, then `stopped`. Idempotent. */
  stop(): Promise<void>;
  status(): ChannelStatus;
  /** The context of the current run (undefined before the first start). */
  context(): ChannelContext | undefined;
}

/** Creates the lifecycle; does nothing until `start`. */
export function createConnectionLoop(options: ConnectionLoopOptions): ConnectionLoop {
  const { channel, accountId, identity = {}, backoff = {}, warning, connect, isFatal, release } = options;
  const initialMs = backoff.initialMs ?? 1000;
  const maxMs = backoff.maxMs ?? 10_000;
  let ctx: ChannelContext | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  let failures = 0;
  let running = false;
  let current: ChannelStatus = { channel, accountId, state: "stopped", since: Date.now() };

  function setStatus(state: ChannelStatus["state"], lastError?: string): void {
    current = { channel, accountId, state, ...identity, ...(lastError ? { lastError } : {}), since: Date.now() };
    ctx?.onStatus(current);
  }

  function fail(gen: number, message: string, fatal: boolean): void {
    void Promise.resolve(release?.()).catch(() => {});
    ctx?.log.warn(warning, { accountId, error: message });
    if (fatal) return setStatus("error", message);
    setStatus("disconnected", message);
    const delay = backoffDelay(failures, { initialMs, maxMs });
    failures += 1;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (gen === generation) void attempt(gen);
    }, delay);
  }

  async function attempt(gen: number): Promise<void> {
    setStatus("connecting");
    let failed = false;
    const end = (message: string, fatal: boolean) => {
      if (!handle.current) return;
      failed = true;
      fail(gen, message, fatal);
    };
    const handle: ConnectionAttempt = {
      get current() {
        return gen === generation && !failed;
      },
      lost: (message) => end(message, false),
    };
    try {
      await connect(handle);
      if (!handle.current) return;
      failures = 0;
      setStatus("connected");
    } catch (err) {
      end(err instanceof Error ? err.message : String(err), isFatal?.(err) ?? false);
    }
  }

  const loop: ConnectionLoop = {
    async start(context) {
      await loop.stop();
      ctx = context;
      if (context.signal.aborted) return;
      running = true;
      const gen = ++generation;
      failures = 0;
      context.signal.addEventListener("abort", () => void loop.stop(), { once: true });
      await attempt(gen);
    },
    async stop() {
      if (!running) return;
      running = false;
      generation += 1;
      clearTimeout(timer);
      timer = undefined;
      await release?.();
      setStatus("stopped");
    },
    status: () => current,
    context: () => ctx,
  };
  return loop;
}
