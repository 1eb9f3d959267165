/** @module Shared setup for Discord adapter tests: a fake, an adapter pointed at it, and awaitable callbacks. */
import { createDiscordAdapter } from "../../../src/channels/discord/index.ts";
import type { ChannelAdapter, ChannelContext, ChannelStatus, InboundMessage } from "../../../src/channels/types.ts";
import { startDiscordFake, type DiscordFake } from "../../fakes/discord-fake.ts";

/** Values pushed by callbacks, with a way to await one matching a predicate. */
export class Feed<T> {
  readonly items: T[] = [];
  #waiters: Array<{ match: (v: T) => boolean; resolve: (v: T) => void }> = [];
  push(value: T): void {
    this.items.push(value);
    this.#waiters = this.#waiters.filter((w) => (w.match(value) ? (w.resolve(value), false) : true));
  }
  /** Resolves with the first item (already seen or future) matching `match`. */
  when(match: (v: T) => boolean): Promise<T> {
    const seen = this.items.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }
  /** Resolves with the next future item matching `match`. */
  next(match: (v: T) => boolean = () => true): Promise<T> {
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }
}

export interface Harness {
  fake: DiscordFake;
  adapter: ChannelAdapter;
  ctx: ChannelContext;
  statuses: Feed<ChannelStatus>;
  messages: Feed<InboundMessage>;
  abort: AbortController;
  close(): Promise<void>;
}

/** Starts a fake and builds (not starts) an adapter against it. */
export function setup(): Harness {
  const fake = startDiscordFake();
  const adapter = createDiscordAdapter({ token: fake.token, restApi: fake.restApi });
  const statuses = new Feed<ChannelStatus>();
  const messages = new Feed<InboundMessage>();
  const abort = new AbortController();
  const noop = (): void => undefined;
  const ctx: ChannelContext = {
    onMessage: (m) => messages.push(m),
    onStatus: (s) => statuses.push(s),
    signal: abort.signal,
    log: { debug: noop, info: noop, warn: noop },
  };
  return {
    fake, adapter, ctx, statuses, messages, abort,
    async close() {
      await adapter.stop();
      await fake.stop();
    },
  };
}
