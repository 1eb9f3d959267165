/**
 * @module The prompt of a queued turn: one message as is, several merged and numbered (`collect`),
 * preceded by a one-line `[N earlier messages dropped: …]` summary when the cap dropped some.
 */
import type { LaneMessage } from "./lane-types.ts";

/** Most dropped-message summaries kept for the next turn's dropped line. */
export const MAX_SUMMARIES = 20;
/** Longest one-line summary of a dropped message. */
export const SUMMARY_CHARS = 80;

/** A dropped message as one line of at most 80 characters. */
export function summarizeDropped(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > SUMMARY_CHARS ? `${line.slice(0, SUMMARY_CHARS - 1)}…` : line;
}

/** `[N earlier messages dropped: a; b; …]`, or "" when none were dropped. */
export function droppedLine(count: number, summaries: string[]): string {
  if (count === 0) return "";
  const more = count > summaries.length ? "…; " : "";
  return `[${count} earlier message${count === 1 ? "" : "s"} dropped: ${more}${summaries.join("; ")}]`;
}

/** The prompt of a turn: the dropped line, then one message as is or several numbered. */
export function composeTurn(messages: readonly LaneMessage[], dropped: string): string {
  const parts = dropped ? [dropped] : [];
  if (messages.length === 1) parts.push(messages[0]!.text);
  else {
    parts.push("[Queued messages while the agent was busy]");
    messages.forEach((m, i) => parts.push(`---\nQueued #${i + 1}\n${m.text}`));
  }
  return parts.join("\n\n");
}
