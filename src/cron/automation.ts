/**
 * @module Wires cron and the heartbeat into one gateway: the scheduler over the gateway database
 * (off with `cron.enabled: false` or `MAYROS_SKIP_CRON=1`), its executor on the agent runtime,
 * the heartbeat runner on the main session, and both event streams onto the broadcaster.
 */
import type { Database } from "bun:sqlite";
import type { AgentService } from "../agent/agent-service.ts";
import type { MayrosConfig } from "../config/index.ts";
import type { Logger } from "../logging/logger.ts";
import type { CronEvent } from "./types.ts";
import type { HeartbeatEvent } from "../protocol/methods/heartbeat.ts";
import { mainSessionKey } from "../sessions/keys.ts";
import type { SessionLanes } from "../sessions/lane.ts";
import type { SessionStore } from "../sessions/store.ts";
import { parseDurationMs } from "./duration.ts";
import { createCronExecutor } from "./executor.ts";
import { HeartbeatRunner } from "./heartbeat.ts";
import { createWebhookPoster } from "./webhook.ts";
import { CronScheduler } from "./scheduler.ts";
import { CronStore } from "./store.ts";

/** How long a gateway stop waits for cron runs in flight (they are aborted first). */
export const CRON_STOP_GRACE_MS = 2_000;

/** What {@link createAutomation} is built from. */
export interface AutomationInputs {
  config: MayrosConfig;
  /** The environment (`MAYROS_SKIP_CRON`). */
  env: NodeJS.ProcessEnv | Record<string, string | undefined>;
  db: Database;
  workspace: string;
  agent: Pick<AgentService, "run">;
  sessions: SessionStore;
  lanes: Pick<SessionLanes, "isBusy" | "queued" | "activeRuns" | "abort">;
  /** The gateway's queue of system events for the main session. */
  systemEvents: string[];
  /** Publishes `cron` and `heartbeat` events. */
  broadcast: (event: "cron" | "heartbeat", payload: CronEvent | HeartbeatEvent) => void;
  log: Logger;
}

/** The cron scheduler and heartbeat runner of one gateway. */
export interface Automation {
  cron: CronScheduler;
  heartbeat: HeartbeatRunner;
}

/** Whether the scheduler fires jobs on its own: `cron.enabled` and not `MAYROS_SKIP_CRON=1`. */
export function cronEnabled(config: MayrosConfig, env: AutomationInputs["env"]): boolean {
  return config.cron.enabled && env.MAYROS_SKIP_CRON !== "1";
}

/** Builds the scheduler and the heartbeat runner (no timers until {@link startAutomation}). */
export function createAutomation(i: AutomationInputs): Automation {
  const hb = i.config.agents.defaults.heartbeat;
  const mainKey = mainSessionKey("main", i.config.session.mainKey);
  const heartbeat = new HeartbeatRunner({
    everyMs: parseDurationMs(hb.every), activeHours: hb.activeHours, userTimezone: i.config.agents.defaults.userTimezone,
    prompt: hb.prompt, ackMaxChars: hb.ackMaxChars, workspace: i.workspace, sessionKey: mainKey, systemEvents: i.systemEvents,
    turn: (req) => i.agent.run(req, "followup"),
    isBusy: (key) => i.lanes.isBusy(key) || i.lanes.queued(key) > 0,
    lastSent: {
      get: () => {
        const entry = i.sessions.get(mainKey);
        return entry?.lastHeartbeatText !== undefined ? { text: entry.lastHeartbeatText, at: entry.lastHeartbeatSentAt ?? 0 } : undefined;
      },
      set: (text, at) => void i.sessions.patch(mainKey, { lastHeartbeatText: text, lastHeartbeatSentAt: at }),
    },
    onEvent: (event) => i.broadcast("heartbeat", event),
    log: i.log.child("heartbeat"),
  });
  const execute = createCronExecutor({
    run: (req) => i.agent.run(req, "followup"),
    resetSession: (key) => void i.sessions.reset(key),
    enqueueSystemEvent: (text) => heartbeat.enqueueSystemEvent(text),
    requestHeartbeat: (reason) => heartbeat.requestNow(reason),
    postWebhook: createWebhookPoster(i.config.cron.webhookToken),
  });
  const cron = new CronScheduler({
    store: new CronStore(i.db), execute, enabled: cronEnabled(i.config, i.env),
    onEvent: (event) => i.broadcast("cron", event), log: i.log.child("cron"),
  });
  return { cron, heartbeat };
}

/** Starts the scheduler (recomputing every next run) and the heartbeat timer. */
export async function startAutomation({ cron, heartbeat }: Automation): Promise<void> {
  await cron.start();
  heartbeat.start();
}

/**
 * Stops the heartbeat and the scheduler: cron agent turns in flight are aborted, then awaited for
 * at most `graceMs` so their run entries land before the database closes.
 */
export async function stopAutomation(
  { cron, heartbeat }: Automation, lanes: Pick<SessionLanes, "activeRuns" | "abort">, graceMs = CRON_STOP_GRACE_MS,
): Promise<void> {
  heartbeat.stop();
  for (const run of lanes.activeRuns()) if (run.key.startsWith("cron:")) lanes.abort(run.key);
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([cron.stop(), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
}
