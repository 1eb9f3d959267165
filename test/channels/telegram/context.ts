/** @module A recording {@link ChannelContext} for adapter tests: awaitable messages and status changes. */
import type { ChannelContext, ChannelStatus, InboundMessage } from "../../../src/channels/types.ts";

/** Builds a context whose messages and statuses can be awaited (no sleeps). */
export function recordingContext() {
  const controller = new AbortController();
  const messages: InboundMessage[] = [];
  const statuses: ChannelStatus[] = [];
  const messageWaiters: Array<() => void> = [];
  const statusWaiters: Array<() => void> = [];
  const ctx: ChannelContext = {
    onMessage(m) {
      messages.push(m);
      for (const w of messageWaiters.splice(0)) w();
    },
    onStatus(s) {
      statuses.push(s);
      for (const w of statusWaiters.splice(0)) w();
    },
    signal: controller.signal,
    log: { debug() {}, info() {}, warn() {} },
  };
  /** Resolves with the `index`-th inbound message (0-based) once it arrived. */
  async function message(index: number): Promise<InboundMessage> {
    while (messages.length <= index) await new Promise<void>((r) => messageWaiters.push(r));
    return messages[index]!;
  }
  /** Resolves with the first status change at or after position `from` that matches. */
  async function status(match: (s: ChannelStatus) => boolean, from = 0): Promise<ChannelStatus> {
    for (let i = from; ; i++) {
      while (statuses.length <= i) await new Promise<void>((r) => statusWaiters.push(r));
      if (match(statuses[i]!)) return statuses[i]!;
    }
  }
  return { ctx, controller, messages, statuses, message, status };
}
