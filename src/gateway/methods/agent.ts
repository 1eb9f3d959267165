/** @module Handlers of `agent` (two-phase), `agent.wait`, `agent.identity.get`, `models.list`, `agents.list`. */
import type { AgentParams } from "../../protocol/methods/agent.ts";
import { splitModelRef } from "../../agent/agent-service.ts";
import { imageBlocksOf } from "../../agent/attachments.ts";
import { listModels } from "../../agent/providers/registry.ts";
import { stampUserText } from "../../agent/system-prompt.ts";
import { GatewayError, hasScope } from "../../protocol/index.ts";
import { parseResetCommand } from "../../sessions/reset-policy.ts";
import { TwoPhaseReply, type MethodTable } from "../context.ts";
import { missingScopeError } from "../dispatch.ts";
import { applyResetRules } from "./sessions.ts";

/** Agent handlers. */
export const agentMethods: MethodTable = {
  agent: async (p: AgentParams, { conn, services: s }) => {
    const key = s.agent.resolveKey(p.sessionKey, p.agentId);
    const images = imageBlocksOf("agent", p.attachments);
    // Starting a session over through `agent` needs admin (protocol-v4.md §7).
    const identity = conn.identity;
    if (identity && parseResetCommand(p.message) && !hasScope(identity.scopes, "operator.admin")) throw missingScopeError(identity.protocol, "operator.admin");
    if (s.sessions.get(key)?.sendPolicy === "deny") throw new GatewayError("INVALID_REQUEST", `sending is disabled for session ${key} (sendPolicy: deny)`);
    // `/new` / `/reset` and stale sessions start over before the message runs (agent.md §1.1, §2.1).
    const text = await applyResetRules(s, key, p.message);
    if (p.label !== undefined) {
      s.sessions.getOrCreate(key);
      s.sessions.patch(key, { label: p.label });
    }
    const runId = p.idempotencyKey;
    const message = stampUserText(text, s.agentConfig().agents.defaults.userTimezone);
    const final = s.agent.run({ runId, sessionKey: key, message, images, extraSystemPrompt: p.extraSystemPrompt, timeoutSeconds: p.timeout, callerConnId: conn.id }, "followup")
      .then((o) => {
        const { provider, model } = splitModelRef(o.model);
        const usage = { ...o.usage, total: o.usage.input + o.usage.output };
        const meta = { durationMs: o.durationMs, aborted: o.aborted, agentMeta: { sessionId: o.sessionId, provider, model, usage } };
        // Nothing to deliver for an empty or silent (`NO_REPLY`) reply.
        const silent = o.text.trim() === "" || o.text.trim() === "NO_REPLY";
        const payloads = silent ? [] : [{ text: o.text }];
        if (o.status === "ok") return { ok: true as const, payload: { runId, status: "ok", summary: "completed", result: { payloads, meta } } };
        return { ok: false as const, error: { code: "UNAVAILABLE" as const, message: o.error ?? "agent run failed" }, payload: { runId, status: "error", summary: o.error ?? "agent run failed" } };
      });
    return new TwoPhaseReply({ runId, status: "accepted", acceptedAt: Date.now() }, final);
  },

  "agent.wait": (p: { runId: string; timeoutMs?: number }, { services: s }) => s.runs.wait(p.runId, p.timeoutMs ?? 30_000),

  "agent.identity.get": (p: { agentId?: string } | undefined, { services: s }) => {
    s.agent.resolveKey(undefined, p?.agentId); // an unknown agent id is INVALID_REQUEST
    return { agentId: "main", ...s.agentIdentity() };
  },

  "models.list": (_p, { services: s }) => ({ models: listModels(s.agentConfig()) }),

  "agents.list": (_p, { services: s }) => ({
    defaultId: "main",
    agents: [{ id: "main", ...s.agentIdentity(), workspace: s.workspace, model: s.agentConfig().agents.defaults.model.primary }],
  }),
};
