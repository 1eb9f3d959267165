/**
 * @module What a heartbeat says and how its reply is read (agent.md §6.2): the default prompt, the
 * `HEARTBEAT_OK` ack token (stripped at the start or end of a reply; mid-text it is ordinary), the
 * "only blanks and headings" test of HEARTBEAT.md, and the prompt with queued system events.
 */

/** The ack token a model replies with when nothing needs attention. */
export const HEARTBEAT_TOKEN = "HEARTBEAT_OK";
/** The silent reply token ("say nothing"). */
export const SILENT_REPLY_TOKEN = "NO_REPLY";
/** Default `agents.defaults.heartbeat.ackMaxChars`. */
export const DEFAULT_ACK_MAX_CHARS = 300;

/** The default heartbeat prompt, sent verbatim as the user message. */
export const DEFAULT_HEARTBEAT_PROMPT =
  "Read HEARTBEAT.md if it exists (workspace context). Follow it strictly. Do not infer or repeat old tasks from prior chats. " +
  `If nothing needs attention, reply ${HEARTBEAT_TOKEN}.`;

/** Markup a model may wrap the token in (`**HEARTBEAT_OK**`, `` `HEARTBEAT_OK` ``). */
const WRAP = "[\\s*_`~]*";
const AT_START = new RegExp(`^${WRAP}${HEARTBEAT_TOKEN}${WRAP}[.!]?`);
const AT_END = new RegExp(`${WRAP}${HEARTBEAT_TOKEN}${WRAP}[.!]?${WRAP}$`);

/** Result of {@link stripHeartbeatToken}. */
export interface StrippedReply {
  /** The reply without the edge tokens, trimmed. */
  text: string;
  /** Whether a token was found at the start or end. */
  didStrip: boolean;
}

/** Removes `HEARTBEAT_OK` (with markup around it) from the start and the end of `raw`, repeatedly. */
export function stripHeartbeatToken(raw: string): StrippedReply {
  let text = raw.trim();
  let didStrip = false;
  for (;;) {
    const next = text.replace(AT_START, "").replace(AT_END, "").trim();
    if (next === text) break;
    didStrip = true;
    text = next;
  }
  return { text, didStrip };
}

/** How a heartbeat reply is classified. */
export type HeartbeatReplyKind =
  /** Nothing (or only `NO_REPLY`) was said. */
  | { kind: "empty" }
  /** An ack: the token, with at most `ackMaxChars` left besides it. */
  | { kind: "ack" }
  /** Something to tell the user. */
  | { kind: "alert"; text: string };

/**
 * Classifies a heartbeat reply: empty, an ack (token stripped and ≤ `ackMaxChars` left) or an alert.
 * @example classifyHeartbeatReply("HEARTBEAT_OK", 300) // { kind: "ack" }
 */
export function classifyHeartbeatReply(raw: string, ackMaxChars: number = DEFAULT_ACK_MAX_CHARS): HeartbeatReplyKind {
  const trimmed = raw.trim();
  if (trimmed === "" || trimmed === SILENT_REPLY_TOKEN) return { kind: "empty" };
  const { text, didStrip } = stripHeartbeatToken(trimmed);
  if (didStrip && text.length <= ackMaxChars) return { kind: "ack" };
  return { kind: "alert", text };
}

/**
 * True when HEARTBEAT.md holds nothing to act on: only blank lines, Markdown headings and empty
 * list items or checkboxes (a run is skipped without a model call).
 */
export function isHeartbeatFileEmpty(content: string): boolean {
  return content.split(/\r?\n/).every((line) => {
    const l = line.trim();
    return l === "" || /^#{1,6}(\s|$)/.test(l) || /^[-*+](\s+\[[ xX]?\])?$/.test(l);
  });
}

/** The user message of a heartbeat: queued system events as `System:` lines, a blank line, then the prompt. */
export function heartbeatMessage(prompt: string, systemEvents: readonly string[]): string {
  if (systemEvents.length === 0) return prompt;
  return `${systemEvents.map((e) => `System: ${e}`).join("\n")}\n\n${prompt}`;
}
