/** @module Handlers of `agent` (two-phase), `agent.wait`, `agent.identity.get`, `models.list`, `agents.list`. */
import type { AgentParams } from "../../protocol/methods/agent.ts";
import { listModels } from "../../agent/providers/registry.ts";
import { TwoPhaseReply, type MethodTable } from "../context.ts";

/** Agent handlers. */
export const agentMethods: MethodTable = {
  agent: (p: AgentParams, { services: s }) => {
    const key = s.agent.resolveKey(p.sessionKey, p.agentId);
    const runId = p.idempotencyKey;
    const final = s.agent.run({ runId, sessionKey: key, message: p.message, extraSystemPrompt: p.extraSystemPrompt, timeoutSeconds: p.timeout }, "followup")
      .then((o) => {
        const meta = { durationMs: o.durationMs, aborted: o.aborted, agentMeta: { sessionId: o.sessionId, model: o.model, usage: { ...o.usage, total: o.usage.input + o.usage.output } } };
        if (o.status === "ok") return { ok: true as const, payload: { runId, status: "ok", summary: "completed", result: { payloads: [{ text: o.text }], meta } } };
        return { ok: false as const, error: { code: "UNAVAILABLE" as const, message: o.error ?? "agent run failed" }, payload: { runId, status: "error", summary: o.error ?? "agent run failed" } };
      });
    return new TwoPhaseReply({ runId, status: "accepted", acceptedAt: Date.now() }, final);
  },

  "agent.wait": (p: { runId: string; timeoutMs?: number }, { services: s }) => s.runs.wait(p.runId, p.timeoutMs ?? 30_000),

  "agent.identity.get": (p: { agentId?: string } | undefined, { services: s }) => ({ agentId: p?.agentId ?? "main", ...s.agentIdentity() }),

  "models.list": (_p, { services: s }) => ({ models: listModels(s.agentConfig()) }),

  "agents.list": (_p, { services: s }) => ({
    defaultId: "main",
    agents: [{ id: "main", ...s.agentIdentity(), workspace: s.workspace, model: s.agentConfig().agents.defaults.model.primary }],
  }),
};
