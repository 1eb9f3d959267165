/**
 * @module The six semantic tools (extensions.md §9) on the embedded store. Each takes an optional `skill` — the
 * calling skill (layer 17; required when several are active); before_tool_call has already checked the allowlist,
 * permissions and limits. Subjects and predicates are forced into the namespace (layer 4). `skill_request_zk_proof`
 * records a local hash commitment (there is no ZK backend; see graph/proofs.ts) and is refused when allowZkProofs
 * is off.
 */
import type { MayrosPluginApi, PluginToolResult } from "../../plugins/api.ts";
import { EngineRefusal, type AssertionEngine } from "./engine.ts";
import { enrich } from "./enrichment.ts";
import { PROOF_TYPES } from "./graph/proofs.ts";
import type { TripleObject } from "./graph/triple-store.ts";
import type { LoadedSkill } from "./loader.ts";
import type { SemanticSkills } from "./skills.ts";

const answer = (text: string, details: unknown): PluginToolResult => ({ content: [{ type: "text", text }], details });
/** A failed call: the error's message, after `[semantic-skills <layer>]` when the error names its layer. */
const refuse = (err: unknown): PluginToolResult => {
  const layer = (err as { layer?: unknown })?.layer;
  const message = err instanceof Error ? err.message : String(err);
  return { content: [{ type: "text", text: typeof layer === "string" ? `[semantic-skills ${layer}] ${message}` : message }], isError: true };
};

/** The calling skill's assertion engine (layer 16). @throws {EngineRefusal} when it declares none: there is no default */
function engineOf(skill: LoadedSkill): AssertionEngine {
  if (!skill.engine) throw new EngineRefusal(`skill "${skill.manifest.name}" declares no assertions: there is no default assertion engine`);
  return skill.engine;
}

/** The agent id of a session key `agent:<id>:…` (default `main`). */
export const agentOf = (sessionKey: string) => /^agent:([^:]+):/.exec(sessionKey)?.[1] ?? "main";

/** Registers the six tools; `skills` is resolved when a tool runs. */
export function registerSkillTools(api: MayrosPluginApi, skills: () => SemanticSkills): void {
  const { Type } = api;
  const skill = Type.Optional(Type.String({ description: "The calling semantic skill (required when several are active)" }));
  const object = Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Object({ node: Type.String() })]);
  const tool = (name: string, description: string, props: Parameters<typeof Type.Object>[0], run: (p: Record<string, any>, sessionKey: string) => Promise<{ text: string; details: unknown }> | { text: string; details: unknown }) =>
    api.registerTool({
      name, label: name, description, parameters: Type.Object({ skill, ...props }),
      async execute(_id, params, ctx) {
        try {
          const { text, details } = await run(params, ctx.sessionKey);
          return answer(text, details);
        } catch (err) {
          return refuse(err);
        }
      },
    });

  tool("skill_graph_query", "Query the skills' knowledge graph by subject/predicate/object (scope agent pins the subject to this agent).", {
    subject: Type.Optional(Type.String()), predicate: Type.Optional(Type.String()), object: Type.Optional(object),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), scope: Type.Optional(Type.Union([Type.Literal("agent"), Type.Literal("namespace"), Type.Literal("global")])),
  }, async (p, sessionKey) => {
    const s = skills();
    const caller = s.callingSkill(p);
    const subject = s.scopedSubject(p.scope, p.subject, agentOf(sessionKey));
    const matches = caller.store.query({ ...(subject !== undefined && { subject }), ...(p.predicate !== undefined && { predicate: p.predicate }), ...(p.object !== undefined && { object: p.object }), limit: p.limit ?? 20 });
    const enrichment = await enrich(caller, { query: { subject, predicate: p.predicate, object: p.object }, results: matches }, s.ports.sanitizeEnrichment);
    const lines = matches.map((t) => `${t.subject} ${t.predicate} ${JSON.stringify(t.object)}`);
    return { text: [`${matches.length} match(es)`, ...lines, ...(enrichment.text ? [enrichment.text] : [])].join("\n"), details: { matches, enrichment } };
  });

  tool("skill_assert", "Assert a fact (a triple) through the calling skill's assertion engine; predicates must be declared in its manifest.", {
    subject: Type.String({ minLength: 1 }), predicate: Type.String({ minLength: 1 }), object, requireProof: Type.Optional(Type.Boolean()),
    proofType: Type.Optional(Type.Union(PROOF_TYPES.map((t) => Type.Literal(t)))),
  }, (p) => {
    const caller = skills().callingSkill(p);
    const proofType = p.proofType ?? (p.requireProof ? "equality" : undefined);
    const { triple, assertion } = engineOf(caller).assert(p.subject, p.predicate, p.object as TripleObject, proofType);
    return { text: `Asserted ${triple.subject} ${triple.predicate} ${JSON.stringify(triple.object)} (assertion ${assertion.id}${assertion.proofId ? `, proof ${assertion.proofId}` : ""}).`, details: { triple, assertion } };
  });

  tool("skill_verify_assertion", "Check the assertions of a subject and predicate and whether their proofs still hold.", {
    subject: Type.String({ minLength: 1 }), predicate: Type.String({ minLength: 1 }), proofId: Type.Optional(Type.String()),
  }, (p) => {
    const caller = skills().callingSkill(p);
    const found = engineOf(caller).verify(p.subject, p.predicate, p.proofId);
    const verified = found.length > 0 && found.every((a) => a.proofValid !== false);
    return { text: `${found.length} assertion(s); ${verified ? "verified" : "not verified"}.`, details: { verified, assertions: found } };
  });

  tool("skill_request_zk_proof", "Record a proof over a subject and predicate. No zero-knowledge backend: this is a local SHA-256 commitment of the current facts.", {
    proofType: Type.Union(PROOF_TYPES.map((t) => Type.Literal(t))), subject: Type.String({ minLength: 1 }), predicate: Type.String({ minLength: 1 }), metadata: Type.Optional(Type.Unknown()),
  }, (p) => {
    const s = skills();
    if (!s.config.sandbox.allowZkProofs) throw new Error("proofs are disabled (skillSandbox.allowZkProofs is off)");
    const caller = s.callingSkill(p);
    const proof = s.ledger.prove(caller.store, caller.manifest.name, p.proofType, p.subject, p.predicate, p.metadata);
    return { text: `Proof ${proof.id} (${proof.kind}, ${proof.proofType}): ${proof.hash}.`, details: proof };
  });

  tool("skill_verify_zk_proof", "Verify a proof recorded by skill_request_zk_proof against the facts as they are now.", { proofId: Type.String({ minLength: 1 }) }, (p) => {
    const s = skills();
    const { proof, valid } = s.ledger.verify(s.callingSkill(p).store, p.proofId);
    if (!proof) throw new Error(`no proof ${p.proofId}`);
    return { text: `Proof ${proof.id}: ${valid ? "valid" : "invalid (the facts changed)"}.`, details: { valid, proof } };
  });

  tool("skill_memory_context", "Recall this agent's memories (ownedBy this agent, with text and importance) matching keywords.", {
    query: Type.String({ minLength: 1 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })), minImportance: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  }, (p, sessionKey) => {
    const store = skills().callingSkill(p).store;
    const words = String(p.query).toLowerCase().split(/\s+/).filter(Boolean);
    const owned = store.query({ predicate: "ownedBy", object: { node: `agent:${agentOf(sessionKey)}` }, limit: 500 });
    const memories = owned.map((t) => {
      const text = store.query({ subject: t.subject, predicate: "text", limit: 1 })[0]?.object;
      const importance = store.query({ subject: t.subject, predicate: "importance", limit: 1 })[0]?.object;
      return { subject: t.subject, text: typeof text === "string" ? text : "", importance: typeof importance === "number" ? importance : 0 };
    }).filter((m) => m.importance >= (p.minImportance ?? 0.3) && words.some((w) => m.text.toLowerCase().includes(w)))
      .sort((a, b) => b.importance - a.importance).slice(0, p.limit ?? 5);
    return { text: memories.length ? memories.map((m) => `- (${m.importance}) ${m.text}`).join("\n") : "No matching memories.", details: { memories } };
  });
}
