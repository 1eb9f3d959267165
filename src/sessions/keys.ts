/**
 * @module Session keys (protocol.md §7.4): builders for every key form, a parser and validation.
 *
 * Forms: main `agent:<agentId>:<mainKey>`; DMs by `session.dmScope` (`main` → the main key,
 * `per-peer` → `agent:<id>:dm:<peer>`, `per-channel-peer` → `agent:<id>:<channel>:dm:<peer>`,
 * `per-account-channel-peer` → `agent:<id>:<channel>:<accountId>:dm:<peer>`); groups
 * `agent:<id>:<channel>:group:<gid>` (rooms `…:channel:<gid>`, topics append `:topic:<tid>`);
 * `cron:<jobId>`, `hook:<id>`, `node-<nodeId>` and `global`.
 *
 * Structural segments (agent id, main key, channel, account id) are trimmed, lower-cased and may
 * not contain `:`; peer, group and topic ids are kept as given (trimmed) and may contain `:`.
 */

/** The agent used when none is named. */
export const DEFAULT_AGENT_ID = "main";
/** The default `session.mainKey`. */
export const DEFAULT_MAIN_KEY = "main";
/** The account id used by `per-account-channel-peer` when a channel has no account id. */
export const DEFAULT_ACCOUNT_ID = "default";
/** The single shared session key (`session.scope: global`). */
export const GLOBAL_SESSION_KEY = "global";
/** The longest accepted session key, in UTF-16 code units. */
export const MAX_SESSION_KEY_LENGTH = 512;

/** `session.dmScope`: how direct messages are split into sessions. */
export type DmScope = "main" | "per-peer" | "per-channel-peer" | "per-account-channel-peer";

/** What a session key denotes. */
export type SessionKind = "main" | "direct" | "group" | "channel" | "cron" | "hook" | "node" | "global" | "unknown";

/** Fields every parsed key has. */
interface ParsedBase {
  /** The key as given. */
  key: string;
  /** The owning agent, for `agent:` keys. */
  agentId?: string;
}

/** A parsed session key, discriminated on `kind`. */
export type ParsedSessionKey =
  | (ParsedBase & { kind: "main"; agentId: string; mainKey: string })
  | (ParsedBase & {
      kind: "direct";
      agentId: string;
      dmScope: Exclude<DmScope, "main">;
      channel?: string;
      accountId?: string;
      peer: string;
    })
  | (ParsedBase & { kind: "group" | "channel"; agentId: string; channel: string; groupId: string; topicId?: string })
  | (ParsedBase & { kind: "cron"; jobId: string })
  | (ParsedBase & { kind: "hook"; id: string })
  | (ParsedBase & { kind: "node"; nodeId: string })
  | (ParsedBase & { kind: "global" })
  | (ParsedBase & { kind: "unknown" });

/** Parameters of {@link dmSessionKey}. */
export interface DmSessionKeyParams {
  agentId?: string;
  /** Defaults to `main` (every DM shares the main session). */
  dmScope?: DmScope;
  /** Channel id (e.g. `telegram`); required by the `per-channel-peer` and `per-account-channel-peer` scopes. */
  channel?: string;
  /** Channel account id; `per-account-channel-peer` falls back to {@link DEFAULT_ACCOUNT_ID}. */
  accountId?: string;
  /** The sender's id on the channel. */
  peer: string;
  mainKey?: string;
}

/** Parameters of {@link groupSessionKey}. */
export interface GroupSessionKeyParams {
  agentId?: string;
  channel: string;
  groupId: string;
  /** `channel` for rooms/channels (Discord, Slack), `group` otherwise. */
  kind?: "group" | "channel";
  /** Forum topic (e.g. Telegram), appended as `:topic:<topicId>`. */
  topicId?: string;
}

// Reserved words cannot be channel or account ids: they would make the key forms ambiguous.
const RESERVED = new Set(["dm", "group", "channel", "topic"]);
const TOPIC_MARK = ":topic:";
// C0 controls, DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** True when `key` is a non-empty string of at most 512 characters without control characters. */
export function isValidSessionKey(key: unknown): key is string {
  return typeof key === "string" && key.length > 0 && key.length <= MAX_SESSION_KEY_LENGTH && !CONTROL.test(key);
}

/**
 * The main session key `agent:<agentId>:<mainKey>`.
 * @throws {TypeError} when a segment is empty or contains `:` or control characters.
 */
export function mainSessionKey(agentId: string = DEFAULT_AGENT_ID, mainKey: string = DEFAULT_MAIN_KEY): string {
  return checked(`agent:${segment("agentId", agentId)}:${segment("mainKey", mainKey)}`);
}

/**
 * The session key of a direct message under `dmScope` (default `main`: the main key).
 * @throws {TypeError} on an invalid segment, or a missing channel for the channel scopes.
 */
export function dmSessionKey(params: DmSessionKeyParams): string {
  const agentId = segment("agentId", params.agentId ?? DEFAULT_AGENT_ID);
  const scope = params.dmScope ?? "main";
  const peer = () => id("peer", params.peer);
  const channel = () => channelSegment(params.channel);
  switch (scope) {
    case "main":
      return mainSessionKey(agentId, params.mainKey ?? DEFAULT_MAIN_KEY);
    case "per-peer":
      return checked(`agent:${agentId}:dm:${peer()}`);
    case "per-channel-peer":
      return checked(`agent:${agentId}:${channel()}:dm:${peer()}`);
    case "per-account-channel-peer": {
      const account = segment("accountId", params.accountId?.trim() ? params.accountId : DEFAULT_ACCOUNT_ID, true);
      return checked(`agent:${agentId}:${channel()}:${account}:dm:${peer()}`);
    }
    default:
      throw new TypeError(`unknown dmScope: ${String(scope)}`);
  }
}

/**
 * A group (`…:group:<gid>`) or room (`…:channel:<gid>`) session key, with an optional topic.
 * @throws {TypeError} on an invalid segment or a group/topic id containing `:topic:`.
 */
export function groupSessionKey(params: GroupSessionKeyParams): string {
  const agentId = segment("agentId", params.agentId ?? DEFAULT_AGENT_ID);
  const kind = params.kind ?? "group";
  if (kind !== "group" && kind !== "channel") throw new TypeError(`unknown group kind: ${String(kind)}`);
  const groupId = id("groupId", params.groupId);
  if (groupId.includes(TOPIC_MARK)) throw new TypeError(`groupId may not contain "${TOPIC_MARK}"`);
  let key = `agent:${agentId}:${channelSegment(params.channel)}:${kind}:${groupId}`;
  if (params.topicId !== undefined) {
    const topicId = id("topicId", params.topicId);
    if (topicId.includes(TOPIC_MARK)) throw new TypeError(`topicId may not contain "${TOPIC_MARK}"`);
    key += `${TOPIC_MARK}${topicId}`;
  }
  return checked(key);
}

/** The session key of a cron job: `cron:<jobId>`. */
export function cronSessionKey(jobId: string): string {
  return checked(`cron:${id("jobId", jobId)}`);
}

/** The session key of a webhook run: `hook:<id>`. */
export function hookSessionKey(hookId: string): string {
  return checked(`hook:${id("hookId", hookId)}`);
}

/** The session key of a node: `node-<nodeId>`. */
export function nodeSessionKey(nodeId: string): string {
  return checked(`node-${id("nodeId", nodeId)}`);
}

/**
 * Parses any session key; keys that fit no form (or are invalid) come back as `kind: "unknown"`
 * (with `agentId` when they still start with `agent:<id>:`). Never throws.
 */
export function parseSessionKey(key: string): ParsedSessionKey {
  if (!isValidSessionKey(key)) return { key: String(key), kind: "unknown" };
  if (key === GLOBAL_SESSION_KEY) return { key, kind: "global" };
  if (key.startsWith("cron:") && key.length > 5) return { key, kind: "cron", jobId: key.slice(5) };
  if (key.startsWith("hook:") && key.length > 5) return { key, kind: "hook", id: key.slice(5) };
  if (key.startsWith("node-") && key.length > 5) return { key, kind: "node", nodeId: key.slice(5) };
  const parts = key.split(":");
  if (parts[0] !== "agent" || parts.length < 3 || !parts[1]) return { key, kind: "unknown" };
  const agentId = parts[1];
  const rest = parts.slice(2);
  const tail = (from: number) => rest.slice(from).join(":");
  const [r0 = "", r1, r2] = rest;
  if (rest.length === 1 && r0) return { key, kind: "main", agentId, mainKey: r0 };
  if (r0 === "dm" && tail(1)) return { key, kind: "direct", agentId, dmScope: "per-peer", peer: tail(1) };
  if (!r0 || RESERVED.has(r0)) return { key, kind: "unknown", agentId };
  if (r1 === "dm" && tail(2)) return { key, kind: "direct", agentId, dmScope: "per-channel-peer", channel: r0, peer: tail(2) };
  if ((r1 === "group" || r1 === "channel") && tail(2)) return parseGroup(key, agentId, r0, r1, tail(2));
  if (r1 && !RESERVED.has(r1) && r2 === "dm" && tail(3)) {
    return { key, kind: "direct", agentId, dmScope: "per-account-channel-peer", channel: r0, accountId: r1, peer: tail(3) };
  }
  return { key, kind: "unknown", agentId };
}

/**
 * The agent that owns `key`: the `<agentId>` of `agent:` keys, else `fallback` (cron, hook, node
 * and global keys carry no agent).
 */
export function agentIdOf(key: string, fallback: string = DEFAULT_AGENT_ID): string {
  return parseSessionKey(key).agentId ?? fallback;
}

/** The `kind` column of a `sessions.list` row: `direct | group | global | unknown`. */
export function listKindOf(key: string): "direct" | "group" | "global" | "unknown" {
  const { kind } = parseSessionKey(key);
  if (kind === "global") return "global";
  if (kind === "group" || kind === "channel") return "group";
  return kind === "unknown" ? "unknown" : "direct";
}

function parseGroup(key: string, agentId: string, channel: string, kind: "group" | "channel", rest: string): ParsedSessionKey {
  const at = rest.lastIndexOf(TOPIC_MARK);
  if (at > 0 && at + TOPIC_MARK.length < rest.length) {
    return { key, kind, agentId, channel, groupId: rest.slice(0, at), topicId: rest.slice(at + TOPIC_MARK.length) };
  }
  return { key, kind, agentId, channel, groupId: rest };
}

function segment(name: string, value: string, rejectReserved = false): string {
  const v = typeof value === "string" ? value.trim().toLowerCase() : "";
  if (!v) throw new TypeError(`${name} must be a non-empty string`);
  if (v.includes(":") || CONTROL.test(v)) throw new TypeError(`${name} may not contain ":" or control characters`);
  if (rejectReserved && RESERVED.has(v)) throw new TypeError(`${name} may not be "${v}"`);
  return v;
}

function channelSegment(channel: string | undefined): string {
  if (channel === undefined || !channel.trim()) throw new TypeError("channel is required for this session key");
  return segment("channel", channel, true);
}

function id(name: string, value: string): string {
  const v = typeof value === "string" ? value.trim() : "";
  if (!v) throw new TypeError(`${name} must be a non-empty string`);
  if (CONTROL.test(v)) throw new TypeError(`${name} may not contain control characters`);
  return v;
}

function checked(key: string): string {
  if (key.length > MAX_SESSION_KEY_LENGTH) throw new TypeError(`session key longer than ${MAX_SESSION_KEY_LENGTH} characters`);
  return key;
}
