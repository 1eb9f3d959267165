/**
 * @module Session records (`SessionEntry`, agent.md §2.1) and transcript entries (agent.md §2.3):
 * the types, the list of storable fields and the input validation shared by the store.
 */
import type { QueueDrop, QueueMode } from "./queue-settings.ts";

/** Where a session's conversation came from. */
export interface SessionOrigin {
  label?: string;
  provider?: string;
  from?: string;
  to?: string;
  accountId?: string;
  threadId?: string;
}

/** The fields of a session record kept in its `entry` JSON column (all optional). */
export interface SessionFields {
  // identity
  label?: string;
  displayName?: string;
  spawnedBy?: string;
  spawnDepth?: number;
  origin?: SessionOrigin;
  // routing
  channel?: string;
  chatType?: string;
  groupId?: string;
  subject?: string;
  lastChannel?: string;
  lastTo?: string;
  lastAccountId?: string;
  lastThreadId?: string;
  deliveryContext?: Record<string, unknown>;
  // per-session overrides
  thinkingLevel?: string;
  verboseLevel?: string;
  reasoningLevel?: string;
  elevatedLevel?: string;
  responseUsage?: string;
  providerOverride?: string;
  modelOverride?: string;
  sendPolicy?: "allow" | "deny";
  groupActivation?: "mention" | "always";
  queueMode?: QueueMode;
  queueDebounceMs?: number;
  queueCap?: number;
  queueDrop?: QueueDrop;
  execHost?: string;
  execSecurity?: string;
  execAsk?: string;
  execNode?: string;
  // accounting
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheRead?: number;
  cacheWrite?: number;
  contextTokens?: number;
  model?: string;
  modelProvider?: string;
  compactionCount?: number;
  abortedLastRun?: boolean;
  systemSent?: boolean;
  // heartbeat
  lastHeartbeatText?: string;
  lastHeartbeatSentAt?: number;
}

/** A session record: the key's columns plus its {@link SessionFields}. */
export interface SessionEntry extends SessionFields {
  /** The stable session key. */
  key: string;
  /** The current transcript's id (a UUID); replaced on reset. */
  sessionId: string;
  agentId: string;
  /** When the key's record was created (ms). */
  createdAt: number;
  /** Last activity (ms). */
  updatedAt: number;
}

/** A change to a session: a value sets a field, `null` clears it, an absent key leaves it. */
export type SessionPatch = { [K in keyof SessionFields]?: SessionFields[K] | null };

/** Token counters of a session (what UIs show; never read from transcripts). */
export interface SessionUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheRead: number;
  cacheWrite: number;
  contextTokens?: number;
  model?: string;
  modelProvider?: string;
  compactionCount: number;
}

/** Every storable {@link SessionFields} key; anything else is refused by the store. */
export const SESSION_FIELDS: ReadonlySet<keyof SessionFields> = new Set<keyof SessionFields>([
  "label", "displayName", "spawnedBy", "spawnDepth", "origin",
  "channel", "chatType", "groupId", "subject", "lastChannel", "lastTo", "lastAccountId", "lastThreadId", "deliveryContext",
  "thinkingLevel", "verboseLevel", "reasoningLevel", "elevatedLevel", "responseUsage", "providerOverride", "modelOverride",
  "sendPolicy", "groupActivation", "queueMode", "queueDebounceMs", "queueCap", "queueDrop",
  "execHost", "execSecurity", "execAsk", "execNode",
  "inputTokens", "outputTokens", "totalTokens", "cacheRead", "cacheWrite", "contextTokens", "model", "modelProvider",
  "compactionCount", "abortedLastRun", "systemSent",
  "lastHeartbeatText", "lastHeartbeatSentAt",
]);

/** Counters that {@link SessionStore.append} adds to instead of replacing. */
export const ADDITIVE_TOKEN_FIELDS = ["inputTokens", "outputTokens", "totalTokens", "cacheRead", "cacheWrite"] as const;

/** Fields cleared by a reset (a new transcript starts; the overrides stay). */
export const RESET_CLEARED_FIELDS: readonly (keyof SessionFields)[] = [
  ...ADDITIVE_TOKEN_FIELDS, "compactionCount", "abortedLastRun", "systemSent",
];

/** Roles of transcript messages. */
export type TranscriptRole = "user" | "assistant" | "toolResult";

/** One content block (`{type:"text", text}`, `{type:"toolCall", …}`, `{type:"image", …}`, …). */
export type ContentBlock = { type: string } & Record<string, unknown>;

/** Token usage reported for one assistant message. */
export interface MessageUsage {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  totalTokens?: number;
  [extra: string]: unknown;
}

/** The message wrapped by a `message` entry (extra keys such as `provider`, `model`, `toolCallId`, `mayrosAbort` are kept). */
export interface TranscriptMessage {
  role: TranscriptRole;
  content: ContentBlock[];
  /** ms since the epoch. */
  timestamp: number;
  usage?: MessageUsage;
  stopReason?: string;
  [extra: string]: unknown;
}

/** A message entry as given to {@link SessionStore.append}. */
export interface MessageEntryInput {
  type: "message";
  /** Defaults to a fresh UUID. */
  id?: string;
  message: TranscriptMessage;
}

/** A compaction entry: older history summarised. */
export interface CompactionEntryInput {
  type: "compaction";
  id?: string;
  summary: string;
  firstKeptEntryId?: string;
  tokensBefore?: number;
  [extra: string]: unknown;
}

/** What may be appended to a transcript. */
export type TranscriptEntryInput = MessageEntryInput | CompactionEntryInput;

/** A stored entry: the JSON of one reference JSONL line (`id`/`parentId` chain, ISO `timestamp`). */
export type TranscriptEntry = TranscriptEntryInput & { id: string; parentId: string | null; timestamp: string };

/** One transcript row. */
export interface TranscriptRecord {
  sessionId: string;
  /** 1, 2, 3… per sessionId. */
  seq: number;
  /** When it was written (ms). */
  createdAt: number;
  entry: TranscriptEntry;
}

const ROLES: ReadonlySet<string> = new Set<TranscriptRole>(["user", "assistant", "toolResult"]);

/**
 * Checks one entry before it is written.
 * @throws {TypeError} describing the first problem.
 */
export function assertEntryInput(input: unknown, index: number): asserts input is TranscriptEntryInput {
  const where = `transcript entry ${index}`;
  if (typeof input !== "object" || input === null) throw new TypeError(`${where} must be an object`);
  const e = input as Record<string, unknown>;
  if (e.id !== undefined && (typeof e.id !== "string" || e.id.length === 0)) throw new TypeError(`${where}: id must be a non-empty string`);
  if (e.type === "message") {
    const m = e.message as Record<string, unknown> | undefined;
    if (typeof m !== "object" || m === null) throw new TypeError(`${where}: message must be an object`);
    if (typeof m.role !== "string" || !ROLES.has(m.role)) throw new TypeError(`${where}: role must be user, assistant or toolResult`);
    if (!Array.isArray(m.content)) throw new TypeError(`${where}: content must be an array`);
    if (typeof m.timestamp !== "number") throw new TypeError(`${where}: timestamp must be a number`);
  } else if (e.type === "compaction") {
    if (typeof e.summary !== "string") throw new TypeError(`${where}: summary must be a string`);
  } else {
    throw new TypeError(`${where}: unknown type ${JSON.stringify(e.type)}`);
  }
}

/**
 * Checks a patch: known fields only, additive counters numeric.
 * @throws {TypeError} on an unknown field.
 */
export function assertPatch(patch: unknown): asserts patch is SessionPatch {
  if (typeof patch !== "object" || patch === null || Array.isArray(patch)) throw new TypeError("session patch must be an object");
  for (const [k, v] of Object.entries(patch)) {
    if (!SESSION_FIELDS.has(k as keyof SessionFields)) throw new TypeError(`unknown session field: ${k}`);
    if ((ADDITIVE_TOKEN_FIELDS as readonly string[]).includes(k) && v !== null && v !== undefined && !Number.isFinite(v)) {
      throw new TypeError(`${k} must be a finite number`);
    }
  }
}
