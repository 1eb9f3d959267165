/**
 * @module The inbound chat path (architecture.md "Inbound chat"): normalized message → access control
 * (pairing code) → session key → `agent.run` on the session lane → reply to the origin, chunked to the
 * channel's limit and sent in order. `NO_REPLY` and empty replies send nothing.
 */
import { dmSessionKey, groupSessionKey, type DmScope } from "../sessions/keys.ts";
import { checkAccess, type AccessDecision } from "./access.ts";
import type { ChannelAccessPolicy } from "./config.ts";
import type { ChannelPairingStore } from "./pairing-store.ts";
import { chunkText, type ChannelAdapter, type InboundMessage, type OutboundTarget } from "./types.ts";
import type { HookRunner } from "../plugins/hooks.ts";
import type { PluginCommand } from "../plugins/api.ts";

/** A reply that means "say nothing". */
export const NO_REPLY = "NO_REPLY";

/** How long an inbound message id is remembered against redelivery. */
export const INBOUND_DEDUPE_MS = 10 * 60 * 1000;

/** What the router needs from the gateway. */
export interface RouterDeps {
  agent: { run(req: { runId: string; sessionKey: string; message: string }): Promise<{ runId: string; status: "ok" | "error"; text: string; error?: string }> };
  pairing: ChannelPairingStore;
  /** The access policy of a channel account (undefined: not configured ⇒ dropped). */
  policyFor(channel: string, accountId: string): ChannelAccessPolicy | undefined;
  /** `session.dmScope` and `session.mainKey`. */
  session(): { dmScope: DmScope; mainKey: string };
  log: { debug(msg: string, f?: Record<string, unknown>): void; warn(msg: string, f?: Record<string, unknown>): void };
  now?: () => number;
  /** Plugin hooks (`message_received`, `message_sending`, `message_sent`) and chat commands (`/name args`). */
  plugins?: { hooks: HookRunner; commands: ReadonlyMap<string, PluginCommand> };
}

/** What became of one inbound message. */
export type RouteResult =
  | { outcome: "duplicate" }
  | { outcome: "denied"; decision: AccessDecision }
  | { outcome: "replied"; sessionKey: string; runId: string; chunks: number }
  | { outcome: "silent"; sessionKey: string; runId: string }
  | { outcome: "failed"; sessionKey: string; error: string };

/** The session key of an inbound message (channels.md §3). */
export function inboundSessionKey(msg: InboundMessage, session: { dmScope: DmScope; mainKey: string }, agentId = "main"): string {
  if (msg.chatType === "dm") {
    return dmSessionKey({ agentId, dmScope: session.dmScope, channel: msg.channel, accountId: msg.accountId, peer: msg.senderId, mainKey: session.mainKey });
  }
  const kind = msg.chatType === "channel" ? "channel" : "group";
  if (msg.channel === "telegram" && msg.threadId !== undefined) {
    return groupSessionKey({ agentId, channel: msg.channel, groupId: msg.chatId, kind, topicId: msg.threadId });
  }
  const base = groupSessionKey({ agentId, channel: msg.channel, groupId: msg.chatId, kind });
  return msg.threadId !== undefined ? `${base}:thread:${msg.threadId}` : base;
}

/**
 * Sends Markdown `text` to `target` through `adapter` (which formats it): chunked to `textLimit`, one `send` per chunk
 * in order; only the first chunk quotes `replyToMessageId`.
 * @returns the channel's message ids, in order
 */
export async function deliverText(adapter: ChannelAdapter, target: OutboundTarget, text: string, media?: Array<{ kind: "image" | "file"; url: string; name?: string }>): Promise<string[]> {
  const chunks = text.length > 0 ? chunkText(text, adapter.textLimit) : [""];
  const ids: string[] = [];
  for (const [i, chunk] of chunks.entries()) {
    const { replyToMessageId, ...rest } = target;
    const to: OutboundTarget = i === 0 && replyToMessageId !== undefined ? { ...rest, replyToMessageId } : rest;
    const { messageId } = await adapter.send(to, { text: chunk, ...(i === 0 && media?.length && { media }) });
    ids.push(messageId);
  }
  return ids;
}

/** Routes inbound messages of every adapter. */
export class ChannelRouter {
  private readonly seen = new Map<string, number>();
  private readonly repliedRuns = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly deps: RouterDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Handles one inbound message of `adapter`; failures of the run or the reply come back as `failed`. */
  async handle(adapter: ChannelAdapter, msg: InboundMessage): Promise<RouteResult> {
    if (this.isDuplicate(msg)) return { outcome: "duplicate" };
    const policy = this.deps.policyFor(msg.channel, msg.accountId);
    const origin: OutboundTarget = { accountId: msg.accountId, chatId: msg.chatId, ...(msg.threadId !== undefined && { threadId: msg.threadId }) };
    if (!policy) return { outcome: "denied", decision: { action: "drop", reason: "not-allowed" } };
    const decision = checkAccess(msg, policy, this.deps.pairing);
    if (decision.action !== "admit") {
      this.deps.log.debug("inbound message not admitted", { channel: msg.channel, chatId: msg.chatId, senderId: msg.senderId, action: decision.action, ...("reason" in decision && { reason: decision.reason }) });
      if (decision.action === "pair" || decision.action === "wait") {
        await deliverText(adapter, origin, decision.reply).catch((e) => this.deps.log.warn("pairing reply failed", { channel: msg.channel, error: String(e) }));
      }
      return { outcome: "denied", decision };
    }
    let sessionKey: string;
    try {
      sessionKey = inboundSessionKey(msg, this.deps.session());
    } catch (e) {
      return { outcome: "failed", sessionKey: "", error: (e as Error).message };
    }
    const hookCtx = { channelId: msg.channel, accountId: msg.accountId, conversationId: msg.chatId };
    void this.deps.plugins?.hooks.emit("message_received", { from: msg.senderId, content: msg.text, timestamp: msg.timestamp, metadata: { messageId: msg.messageId, chatType: msg.chatType } }, hookCtx);
    const command = this.commandOf(msg);
    if (command) return this.runCommand(adapter, msg, origin, sessionKey, command);
    void adapter.typing?.(origin).catch(() => {});
    const text = msg.chatType === "dm" ? msg.text : `${msg.senderName ?? msg.senderId}: ${msg.text}`;
    try {
      const outcome = await this.deps.agent.run({ runId: crypto.randomUUID(), sessionKey, message: text });
      if (outcome.status !== "ok") return { outcome: "failed", sessionKey, error: outcome.error ?? "run failed" };
      const reply = outcome.text.trim();
      // A message merged into a `collect` turn shares that turn's outcome: answer it once.
      if (!reply || reply === NO_REPLY || this.repliedRuns.has(outcome.runId)) return { outcome: "silent", sessionKey, runId: outcome.runId };
      this.repliedRuns.add(outcome.runId);
      if (this.repliedRuns.size > 1000) this.repliedRuns.delete(this.repliedRuns.values().next().value!);
      const ids = await this.reply(adapter, { ...origin, replyToMessageId: msg.messageId }, outcome.text, hookCtx);
      if (!ids) return { outcome: "silent", sessionKey, runId: outcome.runId };
      return { outcome: "replied", sessionKey, runId: outcome.runId, chunks: ids.length };
    } catch (e) {
      this.deps.log.warn("inbound message failed", { channel: msg.channel, chatId: msg.chatId, error: (e as Error).message ?? String(e) });
      return { outcome: "failed", sessionKey, error: (e as Error).message ?? String(e) };
    }
  }

  /** Sends a reply through the `message_sending` (may rewrite or cancel) and `message_sent` hooks; null when cancelled. */
  private async reply(adapter: ChannelAdapter, target: OutboundTarget, text: string, ctx: { channelId: string; accountId: string; conversationId: string }): Promise<string[] | null> {
    const hooks = this.deps.plugins?.hooks;
    const changed = hooks?.has("message_sending") ? await hooks.run("message_sending", { to: target.chatId, content: text }, ctx) : undefined;
    if (changed?.cancel) return null;
    const content = changed?.content ?? text;
    try {
      const ids = await deliverText(adapter, target, content);
      void hooks?.emit("message_sent", { to: target.chatId, content, success: true }, ctx);
      return ids;
    } catch (e) {
      void hooks?.emit("message_sent", { to: target.chatId, content, success: false, error: (e as Error).message ?? String(e) }, ctx);
      throw e;
    }
  }

  /** The plugin chat command a message invokes (`/name` or `/name args`), if any. */
  private commandOf(msg: InboundMessage): { command: PluginCommand; args: string } | undefined {
    const m = /^\/([a-z0-9][\w-]*)(?:@\S+)?(?:\s+([\s\S]*))?$/i.exec(msg.text.trim());
    const command = m && this.deps.plugins?.commands.get(m[1]!.toLowerCase());
    if (!command || (!command.acceptsArgs && m?.[2])) return undefined;
    return { command, args: m?.[2]?.trim() ?? "" };
  }

  private async runCommand(adapter: ChannelAdapter, msg: InboundMessage, origin: OutboundTarget, sessionKey: string, { command, args }: { command: PluginCommand; args: string }): Promise<RouteResult> {
    const runId = `command:${command.name}:${crypto.randomUUID()}`;
    try {
      const { text } = await command.handler({ args, senderId: msg.senderId, channel: msg.channel, accountId: msg.accountId, chatId: msg.chatId });
      const ids = await this.reply(adapter, { ...origin, replyToMessageId: msg.messageId }, text, { channelId: msg.channel, accountId: msg.accountId, conversationId: msg.chatId });
      return ids ? { outcome: "replied", sessionKey, runId, chunks: ids.length } : { outcome: "silent", sessionKey, runId };
    } catch (e) {
      this.deps.log.warn("chat command failed", { command: command.name, error: (e as Error).message ?? String(e) });
      return { outcome: "failed", sessionKey, error: (e as Error).message ?? String(e) };
    }
  }

  private isDuplicate(msg: InboundMessage): boolean {
    const now = this.now();
    for (const [k, at] of this.seen) {
      if (at > now - INBOUND_DEDUPE_MS) break;
      this.seen.delete(k);
    }
    const key = `${msg.channel}\u0000${msg.accountId}\u0000${msg.chatId}\u0000${msg.messageId}`;
    if (this.seen.has(key)) return true;
    this.seen.set(key, now);
    return false;
  }
}
