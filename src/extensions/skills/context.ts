/**
 * @module The context a skill adds before the user's message (extensions.md §9, before_agent_start): its declared
 * queries (at most 20 results each, within its query cap) as a `<semantic-skill-context>` XML block. Values are
 * XML-escaped and cut to 512 characters, so graph data cannot close the block or pose as markup.
 */
import type { Triple } from "./graph/triple-store.ts";
import type { LoadedSkill } from "./loader.ts";

/** Results per declared query. */
export const DECLARED_QUERY_LIMIT = 20;

const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
const show = (t: Triple) => escapeXml((typeof t.object === "object" ? `node:${t.object.node}` : String(t.object)).slice(0, 512));

/** The subject a query of scope `agent` is pinned to. */
export const agentSubject = (agentId: string) => `agent:${agentId}`;

/**
 * Runs a skill's declared queries and renders its block (empty when it declares none).
 * @param admit counts one declared query against the skill's cap; false skips the rest
 */
export function skillContext(skill: LoadedSkill, agentId: string, admit: () => boolean): string {
  const { manifest, store } = skill;
  if (manifest.queries.length === 0) return "";
  const parts: string[] = [];
  for (const q of manifest.queries) {
    if (!admit()) break;
    const results = store.query({ predicate: q.predicate, ...(q.scope === "agent" && { subject: agentSubject(agentId) }), limit: DECLARED_QUERY_LIMIT });
    const rows = results.map((t) => `<result subject="${escapeXml(t.subject)}">${show(t)}</result>`).join("");
    parts.push(`<query predicate="${escapeXml(store.scoped(q.predicate))}" scope="${q.scope}" count="${results.length}">${rows}</query>`);
  }
  return `<semantic-skill-context skill="${escapeXml(manifest.name)}">${parts.join("")}</semantic-skill-context>`;
}
