/** Runs the whole comparison: frame-size probe, alternating cold starts, then every phase on long-lived servers. */
import { bundledTarget } from "./bundle.ts";
import { coldStarts, startAndHandshake, stopStarted, type ColdStartResult } from "./cold.ts";
import { measureAfter, measureClients, measureHandshakes, measureHealth, measureIdle, type Session, type SuiteOptions, type TargetFigures } from "./phases.ts";
import { memoryMiB, sleep } from "./proc.ts";
import { round } from "./stats.ts";
import { DEFAULT_SIZES, mayrosTarget, rawTarget, type FrameSizes } from "./targets.ts";

export type { SuiteOptions, TargetFigures } from "./phases.ts";

/** The compiled single binary (what users run): cold start and idle RSS. */
export interface BundledFigures {
  cold?: ColdStartResult;
  idleRssMiB?: number;
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
  const bundle = withBundle ? await bundledTarget() : undefined;
  if (bundle?.error) log(`bench: bundling src/main.ts failed, skipped: ${bundle.error}`);
  const coldTargets = bundle?.target ? [...targets, bundle.target] : targets;

  log(`cold start x${o.coldRuns} each (fresh state dir each, alternating)`);
  const cold = await coldStarts(coldTargets, o.coldRuns);
  coldTargets.forEach((t, i) => log(`  [${t.name}] median ${cold[i]!.helloMs} ms to hello-ok (port open at ${cold[i]!.openMs} ms): ${cold[i]!.samples.join(" ")}`));
  const warm = o.warmRuns > 0 ? await coldStarts(targets, o.warmRuns, true) : undefined;
  if (warm) targets.forEach((t, i) => log(`  [${t.name}] existing state dir: median ${warm[i]!.helloMs} ms: ${warm[i]!.samples.join(" ")}`));

  let bundled: BundledFigures | undefined = bundle && { error: bundle.error };
  if (bundle?.target) {
    const started = await startAndHandshake(bundle.target);
    await sleep(500);
    bundled = { cold: cold[2], idleRssMiB: round(memoryMiB(started.server.pid).rss, 1), ...(bundle.sizeMB !== undefined && { sizeMB: bundle.sizeMB, runtimeMB: bundle.runtimeMB }) };
    await stopStarted(started);
    log(`[${bundle.target.name}] idle RSS ${bundled.idleRssMiB} MiB`);
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
