/** Runs the whole comparison: frame-size probe, alternating cold starts, then every phase on long-lived servers. */
import { compiledTargets } from "./bundle.ts";
import { coldStarts, startAndHandshake, stopStarted, type ColdStartResult } from "./cold.ts";
import { measureAfter, measureClients, measureHandshakes, measureHealth, measureIdle, type Session, type SuiteOptions, type TargetFigures } from "./phases.ts";
import { memoryMiB, sleep } from "./proc.ts";
import { round } from "./stats.ts";
import { DEFAULT_SIZES, mayrosTarget, rawTarget, type FrameSizes, type Target } from "./targets.ts";

export type { SuiteOptions, TargetFigures } from "./phases.ts";

/** The compiled single binary (what users run) next to the raw echo compiled the same way: cold start and idle RSS. */
export interface BundledFigures {
  cold?: ColdStartResult;
  /** Starts on an existing state dir. */
  warm?: ColdStartResult;
  idleRssMiB?: number;
  rawCold?: ColdStartResult;
  rawWarm?: ColdStartResult;
  rawIdleRssMiB?: number;
  /** The binary's size and the Bun runtime's inside it, MB. */
  sizeMB?: number;
  runtimeMB?: number;
  error?: string;
}

/** Everything {@link runComparison} measured. */
export interface Comparison {
  mayros: TargetFigures;
  raw: TargetFigures;
  sizes: FrameSizes;
  bundled?: BundledFigures;
}

/** RSS of a freshly started server half a second after its first handshake, MiB. */
async function idleRss(target: Target): Promise<number> {
  const started = await startAndHandshake(target);
  try {
    await sleep(500);
    return round(memoryMiB(started.server.pid).rss, 1);
  } finally {
    await stopStarted(started);
  }
}

/** Measures the gateway's real frame sizes (hello-ok, health response, presence event) for the raw echo to imitate. */
async function probeSizes(): Promise<FrameSizes> {
  const started = await startAndHandshake(mayrosTarget);
  try {
    const res = await started.sock.request("health");
    const { method, params, prefix } = mayrosTarget.broadcast;
    const event = started.sock.next((f) => f.startsWith(prefix));
    await started.sock.request(method, params);
    return { helloBytes: started.hello.length, resBytes: res.length, eventBytes: (await event).length };
  } catch {
    return DEFAULT_SIZES;
  } finally {
    await stopStarted(started);
  }
}

/**
 * Runs the whole comparison; every server is stopped at the end, also on failure.
 * @param withBundle also measure the compiled single binary
 */
export async function runComparison(o: SuiteOptions, withBundle: boolean): Promise<Comparison> {
  const { log } = o;
  const sizes = await probeSizes();
  log(`bench: raw echo imitates the gateway's frame sizes ${JSON.stringify(sizes)}`);
  const targets = [mayrosTarget, rawTarget(sizes)];
  const compiled = withBundle ? await compiledTargets(sizes) : undefined;
  if (compiled?.error) log(`bench: compiling failed, the binaries are skipped: ${compiled.error}`);
  const binaries = compiled?.mayros && compiled.raw ? [compiled.mayros, compiled.raw] : [];
  const startTargets = [...targets, ...binaries];

  log(`cold start x${o.coldRuns} each (fresh state dir each, alternating)`);
  const cold = await coldStarts(startTargets, o.coldRuns);
  startTargets.forEach((t, i) => log(`  [${t.name}] median ${cold[i]!.helloMs} ms to hello-ok (port open at ${cold[i]!.openMs} ms): ${cold[i]!.samples.join(" ")}`));
  const warm = o.warmRuns > 0 ? await coldStarts(startTargets, o.warmRuns, true) : undefined;
  if (warm) startTargets.forEach((t, i) => log(`  [${t.name}] existing state dir: median ${warm[i]!.helloMs} ms: ${warm[i]!.samples.join(" ")}`));

  let bundled: BundledFigures | undefined = compiled && { error: compiled.error };
  if (binaries.length === 2) {
    const [gatewayRss, rawRss] = [await idleRss(binaries[0]!), await idleRss(binaries[1]!)];
    bundled = {
      cold: cold[2], rawCold: cold[3], ...(warm && { warm: warm[2], rawWarm: warm[3] }), idleRssMiB: gatewayRss, rawIdleRssMiB: rawRss,
      ...(compiled!.sizeMB !== undefined && { sizeMB: compiled!.sizeMB, runtimeMB: compiled!.runtimeMB }),
    };
    binaries.forEach((t, i) => log(`[${t.name}] idle RSS ${[gatewayRss, rawRss][i]} MiB`));
  }

  const sessions: Session[] = [];
  try {
    for (const [i, target] of targets.entries()) {
      const started = await startAndHandshake(target);
      started.sock.dropEvents = true;
      sessions.push({ target, started, figures: { name: target.name, notes: [], cold: cold[i]!, ...(warm && { warm: warm[i]! }) } });
    }
    await sleep(500);
    await measureIdle(sessions, o);
    await measureHealth(sessions, o);
    await measureClients(sessions, o);
    await measureHandshakes(sessions, o);
    await measureAfter(sessions);
    return { mayros: sessions[0]!.figures as TargetFigures, raw: sessions[1]!.figures as TargetFigures, sizes, ...(bundled && { bundled }) };
  } finally {
    for (const s of sessions) await stopStarted(s.started);
  }
}
