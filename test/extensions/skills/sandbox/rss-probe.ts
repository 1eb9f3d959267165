/**
 * @module Run as its own process by the RSS test, so the suite's other allocations do not blur the figure: loads a
 * warm-up sandbox, takes the RSS baseline, runs `count` memory bombs at a 64 MiB limit (each disposed), and prints
 * `{ kinds, grownBytes }` as JSON.
 */
import { SandboxError } from "../../../../src/extensions/skills/sandbox/errors.ts";
import { loadSkillSandbox } from "../../../../src/extensions/skills/sandbox/quickjs-sandbox.ts";
import { RecordingHost, testLimits } from "./host-fake.ts";

const count = Number(process.argv[2] ?? 4);
const bomb = `export default { name: "bomb", onQuery() { const keep = []; for (;;) keep.push(new Uint8Array(1 << 20).fill(7)); } };`;
const load = (source: string) =>
  loadSkillSandbox(source, { filename: "bomb.ts", limits: testLimits({ memoryLimitBytes: 64 * 1024 * 1024, executionTimeoutMs: 10_000 }), host: new RecordingHost() });

(await load(`export default { name: "warm" };`)).dispose();
Bun.gc(true);
const baseline = process.memoryUsage().rss;
const kinds: string[] = [];
for (let i = 0; i < count; i++) {
  const sandbox = await load(bomb);
  await sandbox.query({}).catch((e: unknown) => kinds.push(e instanceof SandboxError ? e.kind : String(e)));
  sandbox.dispose();
}
// JSC unmaps the memory of collected WebAssembly instances once control is back in the event loop.
await new Promise((resolve) => setTimeout(resolve, 0));
Bun.gc(true);
console.log(JSON.stringify({ kinds, grownBytes: process.memoryUsage().rss - baseline }));
