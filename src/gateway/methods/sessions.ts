/** @module Handlers of `sessions.list`, `sessions.patch`, `sessions.reset`, `sessions.delete`. */
import { GatewayError } from "../../protocol/index.ts";
import { mainSessionKey } from "../../sessions/keys.ts";
import type { SessionPatch } from "../../sessions/types.ts";
import type { MethodTable } from "../context.ts";

/** Session handlers. */
export const sessionsMethods: MethodTable = {
  "sessions.list": (p: { limit?: number; agentId?: string; activeMinutes?: number; search?: string } | undefined, { services: s }) => {
    const sessions = s.sessions.list({ limit: p?.limit, agentId: p?.agentId, activeMinutes: p?.activeMinutes, search: p?.search });
    return { ts: Date.now(), count: sessions.length, sessions: sessions as unknown as Array<Record<string, unknown>> };
  },

  "sessions.patch": (p: { key: string } & Record<string, unknown>, { services: s }) => {
    const { key: rawKey, model, ...rest } = p;
    const key = s.agent.resolveKey(rawKey);
    s.sessions.getOrCreate(key);
    const patch = { ...rest, ...(model !== undefined && { modelOverride: model }) } as SessionPatch;
    return { ok: true, key, entry: s.sessions.patch(key, patch) };
  },

  "sessions.reset": (p: { key: string }, { services: s }) => {
    const key = s.agent.resolveKey(p.key);
    s.runs.abort(key);
    s.lanes.abort(key);
    s.sessions.getOrCreate(key);
    return { ok: true, key, entry: s.sessions.reset(key) };
  },

  "sessions.delete": (p: { key: string; deleteTranscript?: boolean }, { services: s }) => {
    const key = s.agent.resolveKey(p.key);
    if (key === mainSessionKey("main", s.agentConfig().session.mainKey)) throw new GatewayError("INVALID_REQUEST", "the main session cannot be deleted (use sessions.reset)");
    s.runs.abort(key);
    s.lanes.abort(key);
    const deleted = s.sessions.delete(key, { keepTranscript: p.deleteTranscript === false }) !== undefined;
    return { ok: true, key, deleted };
  },
};
