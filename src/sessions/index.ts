/** @module Sessions: session keys, the SQLite session/transcript store, queue settings and per-session run lanes. */
export {
  DEFAULT_ACCOUNT_ID, DEFAULT_AGENT_ID, DEFAULT_MAIN_KEY, GLOBAL_SESSION_KEY, MAX_SESSION_KEY_LENGTH,
  agentIdOf, cronSessionKey, dmSessionKey, groupSessionKey, hookSessionKey, isValidSessionKey, listKindOf,
  mainSessionKey, nodeSessionKey, parseSessionKey,
} from "./keys.ts";
export type { DmScope, DmSessionKeyParams, GroupSessionKeyParams, ParsedSessionKey, SessionKind } from "./keys.ts";
export { DEFAULT_QUEUE_SETTINGS, QUEUE_DROPS, QUEUE_MODES, isQueueDrop, isQueueMode, resolveQueueSettings } from "./queue-settings.ts";
export type { QueueDrop, QueueMode, QueueOverrides, QueueSettings } from "./queue-settings.ts";
export { ADDITIVE_TOKEN_FIELDS, RESET_CLEARED_FIELDS, SESSION_FIELDS, assertEntryInput, assertPatch } from "./types.ts";
export type {
  CompactionEntryInput, ContentBlock, MessageEntryInput, MessageUsage, SessionEntry, SessionFields, SessionOrigin,
  SessionPatch, SessionUsage, TranscriptEntry, TranscriptEntryInput, TranscriptMessage, TranscriptRecord, TranscriptRole,
} from "./types.ts";
export { DEFAULT_HISTORY_LIMIT, SessionNotFoundError, SessionStore } from "./store.ts";
export type { CompactResult, HistoryOptions, ListSessionsOptions } from "./store.ts";
export { SessionLanes } from "./lane.ts";
export { RunAbortedError } from "./lane-types.ts";
export { composeTurn, droppedLine, summarizeDropped } from "./turn.ts";
export type {
  ActiveRun, EnqueueOutcome, EnqueueResult, LaneMessage, LaneRunner, LaneTimers, RunContext, SessionLanesOptions, SteerHandler,
} from "./lane-types.ts";
