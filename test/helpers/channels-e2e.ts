/**
 * @module Shared pieces of the channel end-to-end tests: approving a pairing code through the real CLI
 * (`mayros pairing approve`), polling `channels.status` with awaited requests, and a long model reply with the
 * checks of its chunked delivery.
 */
import { expect } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, type CliResult } from "../cli/spawn.ts";
import { TEST_TOKEN } from "./gateway.ts";
import type { TestSocket } from "./ws-client.ts";

/** Runs `mayros pairing approve <channel> <code> --url <url> --token <token>` as a subprocess (always reaped). */
export async function approveWithCli(url: string, channel: string, code: string): Promise<CliResult> {
  const stateDir = mkdtempSync(join(tmpdir(), "mayros-channels-e2e-cli-"));
  try {
    return await runCli(["pairing", "approve", channel, code, "--url", url, "--token", TEST_TOKEN], { stateDir });
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** The `channels.status` entry of `channel`. */
export async function channelStatus(admin: TestSocket, channel: string): Promise<Record<string, any>> {
  const res = await admin.request("channels.status", {});
  if (!res.ok) throw new Error(`channels.status failed: ${JSON.stringify(res.error)}`);
  const entry = (res.payload.channels as Array<Record<string, any>>).find((c) => c.channel === channel);
  if (!entry) throw new Error(`channels.status has no ${channel}`);
  return entry;
}

/**
 * Polls `channels.status` (awaited requests, at most `maxPolls`) until `channel` is in `state`, or — given a
 * predicate — until its status entry satisfies it.
 */
export async function waitForChannelState(admin: TestSocket, channel: string, state: string | ((entry: Record<string, any>) => boolean), maxPolls = 2000): Promise<Record<string, any>> {
  const wanted = typeof state === "string" ? (entry: Record<string, any>) => entry.state === state : state;
  let last: Record<string, any> = {};
  for (let i = 0; i < maxPolls; i++) {
    last = await channelStatus(admin, channel);
    if (wanted(last)) return last;
  }
  throw new Error(`${channel} did not reach ${typeof state === "string" ? state : "the expected status"} within ${maxPolls} polls; last: ${JSON.stringify(last)}`);
}

/** About `chars` characters of plain prose in numbered lines and paragraphs (no Markdown or HTML specials). */
export function longReply(chars = 9000): string {
  const lines: string[] = [];
  let size = 0;
  for (let i = 1; size < chars; i++) {
    const line = `Line ${i} of the long answer says alpha beta gamma delta epsilon zeta.`;
    lines.push(line, ...(i % 10 === 0 ? [""] : []));
    size += line.length + 1;
  }
  return lines.join("\n");
}

/** Collapses every whitespace run to one space (chunk cuts drop whitespace). */
export const squash = (s: string): string => s.replace(/\s+/g, " ").trim();

/** One delivered piece of a chunked reply, in channel-neutral terms. */
export interface DeliveredChunk {
  chat: unknown;
  text: string;
  replyTo?: string | undefined;
}

/**
 * Expects `chunks` to be the whole `full` reply (whitespace squashed), in order: at least `minChunks` (default 5)
 * pieces of at most `limit` characters, all to `chat`, the first replying to `replyTo` and no other replying.
 */
export function expectChunkedReply(chunks: DeliveredChunk[], expected: { full: string; chat: unknown; replyTo: string; limit: number; minChunks?: number }): void {
  expect(chunks.length).toBeGreaterThanOrEqual(expected.minChunks ?? 5);
  for (const c of chunks) {
    expect(c.text.length).toBeLessThanOrEqual(expected.limit);
    expect(c.chat).toBe(expected.chat);
  }
  expect(chunks[0]!.replyTo).toBe(expected.replyTo);
  expect(chunks.slice(1).every((c) => c.replyTo === undefined)).toBe(true);
  expect(squash(chunks.map((c) => c.text).join(" "))).toBe(squash(expected.full));
}
