/** `bun bench/startup-phases.ts`: where the gateway's cold start goes — module imports, config, database, listen, first handshakes. */
// Imports the gateway's modules in dependency order, then runs it in-process; prints per phase the time since
// process start, the phase's own cost and the RSS after it. Run it a few times (pin it with `taskset -c 0`):
// the machine is noisy. Bench helpers are imported after the gateway's modules and not counted.
export {};

const rows: Array<[string, number, number, number]> = [];
let last = performance.now();
/** Records the phase that just ended. */
function mark(phase: string): void {
  const now = performance.now();
  rows.push([phase, now, now - last, process.memoryUsage.rss() / 2 ** 20]);
  last = now;
}
mark("runtime up (bun start → first line of this script)");

await import("@sinclair/typebox");
mark("import @sinclair/typebox");
await import("@sinclair/typebox/compiler");
mark("import @sinclair/typebox/compiler (+errors)");
await import("hono");
mark("import hono");
await import("json5");
mark("import json5");
await import("../src/protocol/index.ts");
mark("import src/protocol (schemas built)");
const { loadConfig } = await import("../src/config/index.ts");
mark("import src/config");
await import("../src/store/index.ts");
mark("import src/store (bun:sqlite)");
const { startGateway } = await import("../src/gateway/gateway.ts");
mark("import src/gateway (rest)");
await import("../src/cli/gateway-fast.ts");
mark("import src/cli/gateway-fast.ts (the rest of the start path)");

const { tempDir, killAll, freePort } = await import("./lib/proc.ts");
const { BENCH_TOKEN } = await import("./lib/targets.ts");
const { BenchSocket } = await import("./lib/ws.ts");
last = performance.now();

const stateDir = tempDir("mayros-phases-");
const port = freePort();
const loaded = loadConfig({ env: { MAYROS_STATE_DIR: stateDir }, flags: { port, token: BENCH_TOKEN } });
mark("loadConfig (fresh state dir)");
const gateway = await startGateway({ loaded, logToStderr: false });
mark("startGateway (lock, new state.db + migrations, logger, listen)");
for (const label of ["1st handshake (compiles validators)", "2nd handshake", "3rd handshake"]) {
  const { sock } = await BenchSocket.handshake(gateway.url, BENCH_TOKEN);
  mark(label);
  await sock.close();
  last = performance.now();
}
const { sock } = await BenchSocket.handshake(gateway.url, BENCH_TOKEN);
last = performance.now();
await sock.request("health");
mark("1st health request");
await sock.request("health");
mark("2nd health request");
await sock.close();
await gateway.stop("phases done");
console.log("   at ms  cost ms  RSS MiB  phase (at = performance.now(), ~0 at process start)");
for (const [phase, at, cost, rss] of rows) console.log(`${at.toFixed(1).padStart(8)} ${cost.toFixed(1).padStart(8)} ${rss.toFixed(1).padStart(8)}  ${phase}`);
killAll();
