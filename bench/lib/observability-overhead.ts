/**
 * The observability plugin's cost (issue 10: its hooks add under 5% to the agent run overhead): the agent bench's
 * run overhead measured on three gateways at once — plugins as shipped (bundled ones off), the plugin on with its
 * three trace tools denied to the agent (its hooks, buffer, flushes and metrics), and the plugin on in full (its tool
 * schemas also travel with every model request) — in alternating small batches, so drift and other load on the
 * machine hit all three alike; and the in-process run loop bare, with the hook runner of a gateway without plugins,
 * and with the plugin's hooks (loaded through the real plugin loader), writes included.
 */
import { loopHooks, runEnded, type RunHookInfo } from "../../src/agent/plugin-hooks.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { loadPlugins, type PluginsSection } from "../../src/plugins/loader.ts";
import type { PluginRegistry } from "../../src/plugins/registry.ts";
import { openDatabase } from "../../src/store/db.ts";
import { loopInProcess, overheadOf, startOverheadGateway, type AgentOverhead, type OverheadGateway, type OverheadSamples } from "./agent-overhead.ts";
import { tempDir } from "./proc.ts";
import { median, round } from "./stats.ts";

/** The config section that turns the plugin on (defaults otherwise: tracing and metrics on, flush every second). */
const PLUGIN_ON = { plugins: { entries: { observability: { enabled: true } } } };

/** The three gateways: plugin off, its hooks only (its tools denied to the agent), plugin on. */
const VARIANTS = [{}, { ...PLUGIN_ON, agents: { defaults: { tools: { deny: ["trace_*"] } } } }, PLUGIN_ON];

/** Sizes of the measurement. */
export interface ObservabilityOptions {
  /** Sequential runs on each gateway, in alternating batches of {@link BATCH}. */
  runs: number;
  /** In-process `runLoop` iterations per variant and round. */
  loopIterations: number;
  log: (line: string) => void;
}

/** Runs per batch: small, so that drift and other load on the machine hit every gateway alike. */
const BATCH = 10;

/** The figures without the plugin, with its hooks only, and with all of it. */
export interface ObservabilityFigures {
  without: AgentOverhead;
  hooks: AgentOverhead;
  with: AgentOverhead;
  /** `hooks.overheadMs / without.overheadMs`: the figure. */
  hooksRatio: number;
  /** `with.overheadMs / without.overheadMs`. */
  ratio: number;
  loop: { bareUs: number; noPluginsUs: number; withUs: number; ratio: number };
}

/** Runs the whole comparison. */
export async function observabilityOverhead(o: ObservabilityOptions): Promise<ObservabilityFigures> {
  const [without, hooks, on] = await gateways(o);
  const hooksRatio = round(hooks!.overheadMs / without!.overheadMs, 3);
  const ratio = round(on!.overheadMs / without!.overheadMs, 3);
  o.log(`[observability] run overhead ${without!.overheadMs} ms off, ${hooks!.overheadMs} ms hooks only (×${hooksRatio}), ${on!.overheadMs} ms plugin on (×${ratio}); gateway CPU per run ${without!.serverCpuUsPerRun} / ${hooks!.serverCpuUsPerRun} / ${on!.serverCpuUsPerRun} µs`);
  const loop = await loopFigures(o);
  return { without: without!, hooks: hooks!, with: on!, hooksRatio, ratio, loop };
}

async function gateways(o: ObservabilityOptions): Promise<AgentOverhead[]> {
  const warm = Math.max(5, Math.floor(o.runs / 10));
  const started: OverheadGateway[] = [];
  try {
    for (const config of VARIANTS) started.push(await startOverheadGateway(warm, config));
    const samples: OverheadSamples[][] = started.map(() => []);
    for (let r = 0; r < Math.ceil(o.runs / BATCH); r++) {
      // Rotate which gateway goes first.
      for (let k = 0; k < started.length; k++) {
        const i = (r + k) % started.length;
        samples[i]!.push(await started[i]!.batch(BATCH));
      }
    }
    return samples.map(overheadOf);
  } finally {
    await Promise.all(started.map((g) => g.stop()));
  }
}

/** The plugin registry of `section`, loaded like the gateway loads it, services started, in a temporary state dir (removed at exit). */
async function registryOf(section: PluginsSection): Promise<{ registry: PluginRegistry; close(): Promise<void> }> {
  const stateDir = tempDir("mayros-bench-plugins-");
  const log = createLogger("bench", { level: "warn" });
  const { registry } = await loadPlugins(section, {
    stateDir, workspaceDir: stateDir, config: {}, log, openDatabase: (path) => openDatabase(path, { migrations: [] }),
    readConfig: () => ({}), patchConfig: async () => {}, call: async () => undefined,
  });
  const ctx = { stateDir, workspaceDir: stateDir, logger: log };
  for (const { service } of registry.services) await service.start(ctx);
  return {
    registry,
    async close() {
      for (const { service } of registry.services) await service.stop?.(ctx);
      registry.close();
    },
  };
}

/** Rounds of the in-process variants (interleaved; the median of each is kept, as the JIT warms up unevenly). */
const LOOP_ROUNDS = 3;

async function loopFigures(o: ObservabilityOptions): Promise<ObservabilityFigures["loop"]> {
  const section = (entries: PluginsSection["entries"]): PluginsSection => ({ enabled: true, allow: [], deny: [], load: { paths: [] }, entries });
  const info = (i: number): RunHookInfo => ({ runId: `bench-run-${i}`, sessionId: "bench", sessionKey: "agent:main:bench", agentId: "main", provider: "fake", model: "fake", system: "", prompt: "hi" });
  const noPlugins = await registryOf(section({}));
  // The loop never yields to timers, so the periodic flush cannot run: a buffer large enough for every event, and a
  // read (which flushes first) inside the timed section, count every event's write without dropping any.
  const observed = await registryOf(section({ observability: { enabled: true, config: { tracing: { bufferSize: 100_000 } } } }));
  const around = (label: string, registry: PluginRegistry) => ({
    label, hooks: (i: number) => loopHooks(registry.hooks, info(i)), ended: (i: number) => runEnded(registry.hooks, info(i), { success: true, durationMs: 1 }),
    settle: async () => void (await registry.methods.get("observe.status")?.handler({})),
  });
  const samples = { bare: [] as number[], none: [] as number[], with: [] as number[] };
  try {
    for (let r = 0; r < LOOP_ROUNDS; r++) {
      samples.bare.push(await loopInProcess(o.loopIterations, o.log));
      samples.none.push(await loopInProcess(o.loopIterations, o.log, around("the hooks of a gateway without plugins", noPlugins.registry)));
      samples.with.push(await loopInProcess(o.loopIterations, o.log, around("the observability plugin's hooks", observed.registry)));
    }
  } finally {
    await noPlugins.close();
    await observed.close();
  }
  const [bareUs, noPluginsUs, withUs] = [median(samples.bare), median(samples.none), median(samples.with)];
  const ratio = round(withUs / noPluginsUs, 3);
  o.log(`[observability] in-process runLoop (median of ${LOOP_ROUNDS}): ${bareUs} µs bare, ${noPluginsUs} µs with no plugins, ${withUs} µs with the plugin: ×${ratio}`);
  return { bareUs, noPluginsUs, withUs, ratio };
}
