/** @module A recording {@link ChannelContext} for Slack adapter tests, with awaitable messages and statuses. */
import type { ChannelContext, ChannelStatus, InboundMessage } from "../../../src/channels/types.ts";

/** Builds a context that records everything and lets tests await a status or message. */
export function recordingContext() {
  const messages: InboundMessage[] = [];
  const statuses: ChannelStatus[] = [];
  const controller = new AbortController();
  let waiters: Array<() => boolean> = [];
  const notify = () => {
    waiters = waiters.filter((w) => !w());
  };
  const waitFor = <T>(pick: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const check = () => {
        const v = pick();
        if (v === undefined) return false;
        resolve(v);
        return true;
      };
      if (!check()) waiters.push(check);
    });
  const ctx: ChannelContext = {
    onMessage(m) {
      messages.push(m);
      notify();
    },
    onStatus(s) {
      statuses.push(s);
      notify();
    },
    signal: controller.signal,
    log: { debug() {}, info() {}, warn() {} },
  };
  return {
    ctx,
    controller,
    messages,
    statuses,
    /** Resolves with the `n`-th (1-based) message. */
    message: (n = 1) => waitFor(() => messages[n - 1]),
    /** Resolves with the first status at index ≥ `from` in state `state`. */
    status: (state: ChannelStatus["state"], from = 0) => waitFor(() => statuses.slice(from).find((s) => s.state === state)),
  };
}
