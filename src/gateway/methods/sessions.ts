/** @module Handlers of `sessions.list`, `sessions.patch`, `sessions.reset`, `sessions.delete`. */
import { join } from "node:path";
import { splitModelRef } from "../../agent/agent-service.ts";
import { GatewayError } from "../../protocol/index.ts";
import { listKindOf, mainSessionKey } from "../../sessions/keys.ts";
import type { SessionPatch } from "../../sessions/types.ts";
import type { GatewayServices, MethodTable } from "../context.ts";

/** How long `sessions.reset` / `sessions.delete` wait for an aborted run to end (agent.md §2.2). */
export const ABORT_WAIT_MS = 15_000;

/** The context window assumed for a model the config does not describe (agent.md §4.1). */
const DEFAULT_CONTEXT_TOKENS = 200_000;

/**
 * Clears the queue of `key`, aborts its run and waits (≤ {@link ABORT_WAIT_MS}) until the run has
 * ended, so its aborted partial is written before the transcript is replaced or deleted.
 * @returns false when the run did not end in time.
 */
async function stopSession(s: GatewayServices, key: string): Promise<boolean> {
  s.runs.abort(key);
  s.lanes.abort(key);
  if (!s.lanes.isBusy(key)) return true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<boolean>((resolve) => { timer = setTimeout(() => resolve(false), ABORT_WAIT_MS); });
  try {
    return await Promise.race([s.lanes.whenIdle(key).then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Session handlers. */
export const sessionsMethods: MethodTable = {
  "sessions.list": (p: { limit?: number; agentId?: string; activeMinutes?: number; search?: string } | undefined, { services: s }) => {
    const sessions = s.sessions.list({ limit: p?.limit, agentId: p?.agentId, activeMinutes: p?.activeMinutes, search: p?.search });
    const config = s.agentConfig();
    const { provider, model } = splitModelRef(config.agents.defaults.model.primary);
    const contextTokens = config.models.providers[provider]?.models?.find((m) => m.id === model)?.contextWindow ?? DEFAULT_CONTEXT_TOKENS;
    return {
      ts: Date.now(), path: join(s.stateDir, "state.db"), count: sessions.length,
      defaults: { modelProvider: provider, model, contextTokens },
      sessions: sessions.map((e) => ({ ...e, kind: listKindOf(e.key) })) as unknown as Array<Record<string, unknown>>,
    };
  },

  "sessions.patch": (p: { key: string } & Record<string, unknown>, { services: s }) => {
    const { key: rawKey, model, ...rest } = p;
    const key = s.agent.resolveKey(rawKey);
    s.sessions.getOrCreate(key);
    const patch = { ...rest, ...(model !== undefined && { modelOverride: model }) } as SessionPatch;
    return { ok: true, key, entry: s.sessions.patch(key, patch) };
  },

  "sessions.reset": async (p: { key: string }, { services: s }) => {
    const key = s.agent.resolveKey(p.key);
    if (!(await stopSession(s, key))) throw new GatewayError("UNAVAILABLE", `the run of session ${key} did not stop within ${ABORT_WAIT_MS / 1000} s`, { retryable: true });
    s.sessions.getOrCreate(key);
    return { ok: true, key, entry: s.sessions.reset(key) };
  },

  "sessions.delete": async (p: { key: string; deleteTranscript?: boolean }, { services: s }) => {
    const key = s.agent.resolveKey(p.key);
    if (key === mainSessionKey("main", s.agentConfig().session.mainKey)) throw new GatewayError("INVALID_REQUEST", "the main session cannot be deleted (use sessions.reset)");
    if (!(await stopSession(s, key))) throw new GatewayError("UNAVAILABLE", `the run of session ${key} did not stop within ${ABORT_WAIT_MS / 1000} s`, { retryable: true });
    const deleted = s.sessions.delete(key, { keepTranscript: p.deleteTranscript === false }) !== undefined;
    return { ok: true, key, deleted };
  },
};
