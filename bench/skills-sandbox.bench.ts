/**
 * Skill sandbox figures (extensions.md §10 layer 3): cold start (load + evaluate a small skill in a fresh QuickJS
 * WebAssembly instance, the first compile of the module excluded and reported apart) and per-call overhead (an
 * onQuery round trip making one host call), each the median of N.
 */
// Usage: bun bench/skills-sandbox.bench.ts [--n N]
import { loadSkillSandbox } from "../src/extensions/skills/sandbox/quickjs-sandbox.ts";
import type { SandboxHost } from "../src/extensions/skills/sandbox/types.ts";
import { median, percentile, round } from "./lib/stats.ts";

const nIdx = process.argv.indexOf("--n");
const N = nIdx >= 0 ? Number(process.argv[nIdx + 1]) : 200;
if (!Number.isInteger(N) || N < 1) {
  console.error("--n needs a positive integer");
  process.exit(2);
}

const SKILL = `
interface Triple { subject: string; predicate: string; object: unknown }
export default {
  name: "bench-skill",
  onQuery(ctx: { subject: string }) {
    const { triples } = graphClient.listTriples({ subject: ctx.subject, limit: 5 }) as { triples: Triple[] };
    return { results: triples.map((t) => t.object), additionalContext: "n=" + triples.length };
  },
};`;

const host: SandboxHost = {
  createTriple: (t) => ({ id: "t1", ...t }),
  listTriples: (q) => ({ triples: [{ subject: q.subject, predicate: "p", object: 1 }] }),
  patternQuery: () => ({ matches: [] }),
  deleteTriple: () => ({ deleted: true }),
  log: () => {},
};
const opts = {
  filename: "bench/skill.ts",
  limits: { memoryLimitBytes: 8 << 20, maxStackSizeBytes: 512 << 10, executionTimeoutMs: 10_000, maxCallsPerMinute: 1_000_000, maxWritesPerSession: 50 },
  host,
};

const firstStart = performance.now();
(await loadSkillSandbox(SKILL, opts)).dispose();
const first = performance.now() - firstStart;

const cold: number[] = [];
for (let i = 0; i < N; i++) {
  const t = performance.now();
  const sandbox = await loadSkillSandbox(SKILL, opts);
  cold.push(performance.now() - t);
  sandbox.dispose();
}

const sandbox = await loadSkillSandbox(SKILL, opts);
for (let i = 0; i < 50; i++) await sandbox.query({ subject: "s" });
const calls: number[] = [];
for (let i = 0; i < N * 10; i++) {
  const t = performance.now();
  await sandbox.query({ subject: "s" });
  calls.push(performance.now() - t);
}
sandbox.dispose();

const ms = (x: number) => `${round(x, 3)} ms`;
console.log(`skill sandbox (QuickJS WASM), N=${N}`);
console.log(`  first load (compiles the WebAssembly module once) ${ms(first)}`);
console.log(`  cold start: load + evaluate a small skill      median ${ms(median(cold))}  p95 ${ms(percentile(cold, 95))}`);
console.log(`  per call: onQuery with one host call            median ${ms(median(calls))}  p95 ${ms(percentile(calls, 95))}  (N=${calls.length})`);
