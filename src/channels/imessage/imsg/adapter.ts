/**
 * @module The iMessage channel adapter over the local `imsg` CLI (macOS): one `<cliPath> rpc [--db <dbPath>]` child
 * per account, line-delimited JSON-RPC 2.0 on its stdin/stdout ({@link spawnImsg}).
 *
 * - Start: spawn, probe with `chats.list {limit: 1}`, then `watch.subscribe {attachments: true}` → `connected`.
 *   Inbound arrives as `message` notifications ({@link normalizeImsgNotification}).
 * - Send: `send` with the target's routing param — a numeric chatId → `{chat_id: <number>}`, a chat GUID (contains
 *   `;`, e.g. `iMessage;+;chat123`) → `{chat_guid}`, anything else (a phone number or email) → `{to}` — plus
 *   `text` (Markdown stripped to plain text, chunked at {@link IMESSAGE_TEXT_LIMIT}) and, on the first chunk of a
 *   reply, `reply_to: <message guid>`. The result's `guid` (or `id`) is the message id, empty when imsg reports none.
 * - The child exits or the probe fails → `disconnected` with `lastError` (exit code and stderr tail), pending
 *   requests reject, and the child is respawned with backoff until it connects; `stop()` kills it and stops respawning.
 */
import { createConnectionLoop, type ConnectionAttempt } from "../../connection-loop.ts";
import { markdownToPlain } from "../../plain.ts";
import type { ChannelAdapter, OutboundMessage, OutboundTarget } from "../../types.ts";
import { IMESSAGE_TEXT_LIMIT, plainPieces } from "../common.ts";
import { normalizeImsgNotification } from "./normalize.ts";
import { spawnImsg, type ImsgProcess } from "./process.ts";

/** Options of {@link createImsgAdapter}. */
export interface ImsgAdapterOptions {
  /** Gateway account id. Default: `"default"`. */
  accountId?: string;
  /** The `imsg` executable: a path, or a name looked up on PATH. Default: `"imsg"`. */
  cliPath?: string;
  /** The Messages database, passed as `--db <dbPath>` (imsg's default: `~/Library/Messages/chat.db`). */
  dbPath?: string;
  /** A name that counts as a mention in groups (besides "mayros"). */
  botName?: string;
  /** Per-request timeout in ms. Default: 15 000. */
  requestTimeoutMs?: number;
  /** Respawn delays: doubling from `initialMs` (default 1000) up to `maxMs` (default 10 000), ±20 % jitter. */
  backoff?: { initialMs?: number; maxMs?: number };
}

/** The `send` params that address `chatId` (see the module doc). */
export function imsgSendTarget(chatId: string): { chat_id: number } | { chat_guid: string } | { to: string } {
  if (/^\d+$/.test(chatId)) return { chat_id: Number(chatId) };
  if (chatId.includes(";")) return { chat_guid: chatId };
  return { to: chatId };
}

/** The executable `cliPath` names: itself when it is a path, else its PATH lookup (undefined when not found). */
function resolveImsgPath(cliPath: string): string | undefined {
  return cliPath.includes("/") ? cliPath : (Bun.which(cliPath) ?? undefined);
}

/**
 * Creates the adapter for one `imsg` account (resolving a bare `cliPath` on PATH); spawns nothing until `start()`.
 * @throws {Error} `channels.imessage.cliPath: …` when a bare `cliPath` is not found on PATH.
 */
export function createImsgAdapter(options: ImsgAdapterOptions): ChannelAdapter {
  const { accountId = "default", cliPath = "imsg", dbPath, botName, requestTimeoutMs, backoff = {} } = options;
  const resolved = resolveImsgPath(cliPath);
  if (!resolved) throw new Error(`channels.imessage.cliPath: ${JSON.stringify(cliPath)} not found on PATH (account ${accountId})`);
  const executable: string = resolved;
  let child: ImsgProcess | undefined;

  /** Spawns the child, probes it and subscribes; the child's exit reports the attempt's connection lost. */
  async function spawnAndSubscribe(attempt: ConnectionAttempt): Promise<void> {
    const proc = spawnImsg({
      cliPath: executable, ...(dbPath ? { dbPath } : {}), ...(requestTimeoutMs !== undefined ? { timeoutMs: requestTimeoutMs } : {}),
      onNotification(method, params) {
        const ctx = loop.context();
        if (!attempt.current || method !== "message" || !ctx) return;
        const message = normalizeImsgNotification(params, { accountId, ...(botName ? { botName } : {}) });
        if (message) ctx.onMessage(message);
      },
      onExit: (error) => attempt.lost(error.message),
      onInvalid: (line, reason) => loop.context()?.log.debug("imsg output ignored", { accountId, reason, line: line.slice(0, 200) }),
    });
    child = proc;
    await proc.request("chats.list", { limit: 1 });
    await proc.request("watch.subscribe", { attachments: true });
  }

  const loop = createConnectionLoop({
    channel: "imessage", accountId, identity: botName ? { botName } : {}, backoff, warning: "imsg unavailable",
    async connect(attempt) {
      try {
        await spawnAndSubscribe(attempt);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        throw new Error(message.startsWith("imsg") ? message : `imsg: ${message}`);
      }
    },
    async release() {
      const proc = child;
      child = undefined;
      await proc?.kill();
    },
  });

  return {
    channel: "imessage",
    accountId,
    textLimit: IMESSAGE_TEXT_LIMIT,
    start: loop.start,
    stop: loop.stop,
    async send(target: OutboundTarget, message: OutboundMessage): Promise<{ messageId: string }> {
      const proc = child;
      const lastError = loop.status().lastError;
      if (!proc) throw new Error(`imsg is not running${lastError ? ` (${lastError})` : ""}`);
      const ids: string[] = [];
      for (const text of plainPieces(message)) {
        const reply = ids.length === 0 && target.replyToMessageId ? { reply_to: target.replyToMessageId } : {};
        const sent = await proc.request<{ guid?: unknown; id?: unknown } | null>("send", { ...imsgSendTarget(target.chatId), text, ...reply });
        const id = sent?.guid ?? sent?.id;
        ids.push(typeof id === "string" || typeof id === "number" ? String(id) : "");
      }
      return { messageId: ids[0] ?? "" };
    },
    format: markdownToPlain,
    status: loop.status,
  };
}
