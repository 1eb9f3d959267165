/**
 * @module An in-memory ChannelAdapter for tests: records sends and typing calls, lets a test push
 * inbound messages, and resolves waiters when sends arrive (no sleeps).
 */
import type { ChannelAdapter, ChannelContext, ChannelStatus, InboundMessage, OutboundMessage, OutboundTarget } from "../../src/channels/types.ts";

/** A recorded send. */
export interface SentMessage {
  target: OutboundTarget;
  message: OutboundMessage;
  messageId: string;
}

/** Options of {@link FakeAdapter}. */
export interface FakeAdapterOptions {
  channel?: string;
  accountId?: string;
  textLimit?: number;
  /** Make `start` reject with this message. */
  failStart?: string;
}

/** The in-memory adapter. */
export class FakeAdapter implements ChannelAdapter {
  readonly channel: string;
  readonly accountId: string;
  /** Mutable so a test can force chunking. */
  textLimit: number;
  readonly sent: SentMessage[] = [];
  readonly typed: OutboundTarget[] = [];
  ctx?: ChannelContext;
  stopped = 0;
  loggedOut = 0;
  private state: ChannelStatus;
  private nextId = 1;
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(private readonly opts: FakeAdapterOptions = {}) {
    this.channel = opts.channel ?? "test";
    this.accountId = opts.accountId ?? "default";
    this.textLimit = opts.textLimit ?? 4000;
    this.state = { channel: this.channel, accountId: this.accountId, state: "stopped", since: Date.now() };
  }

  async start(ctx: ChannelContext): Promise<void> {
    this.ctx = ctx;
    if (this.opts.failStart) {
      this.state = { ...this.state, state: "disconnected", lastError: this.opts.failStart };
      throw new Error(this.opts.failStart);
    }
    this.state = { ...this.state, state: "connected", botId: "bot-1", botName: "fakebot", since: Date.now() };
    ctx.onStatus(this.state);
  }

  async stop(): Promise<void> {
    this.stopped++;
    this.state = { ...this.state, state: "stopped" };
  }

  async send(target: OutboundTarget, message: OutboundMessage): Promise<{ messageId: string }> {
    const messageId = `m${this.nextId++}`;
    this.sent.push({ target, message, messageId });
    this.waiters = this.waiters.filter((w) => (this.sent.length >= w.count ? (w.resolve(), false) : true));
    return { messageId };
  }

  async typing(target: OutboundTarget): Promise<void> {
    this.typed.push(target);
  }

  format(markdown: string): string {
    return markdown;
  }

  status(): ChannelStatus {
    return this.state;
  }

  async logout(): Promise<void> {
    this.loggedOut++;
  }

  /** Resolves once `count` messages were sent in total. */
  waitForSent(count: number): Promise<void> {
    if (this.sent.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /** Delivers an inbound message as the channel would. */
  receive(partial: Partial<InboundMessage> & { text: string }): InboundMessage {
    if (!this.ctx) throw new Error("adapter not started");
    const msg: InboundMessage = {
      channel: this.channel, accountId: this.accountId, chatId: "chat-1", chatType: "dm", messageId: `in-${crypto.randomUUID()}`,
      senderId: "user-1", mentionsBot: false, timestamp: Date.now(), ...partial,
    };
    this.ctx.onMessage(msg);
    return msg;
  }
}

/** A normalized inbound message with defaults (DM from user-1 in chat-1). */
export function inbound(partial: Partial<InboundMessage> & { text: string }): InboundMessage {
  return {
    channel: "test", accountId: "default", chatId: "chat-1", chatType: "dm", messageId: `in-${crypto.randomUUID()}`,
    senderId: "user-1", mentionsBot: false, timestamp: Date.now(), ...partial,
  };
}
