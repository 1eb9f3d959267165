/** @module Handlers of the core status methods: `health`, `status`, `system-presence`, `system-event`. */
import type { StatusResult, SystemEventParams } from "../../protocol/methods/system.ts";
import { MAX_PROTOCOL_VERSION, MIN_PROTOCOL_VERSION } from "../../protocol/index.ts";
import type { MethodTable } from "../context.ts";

/** Queued system events kept at most (oldest dropped). */
const MAX_QUEUED_SYSTEM_EVENTS = 100;

/** Core status handlers. */
export const systemMethods: MethodTable = {
  health: (params: { probe?: boolean } | undefined, { services }) => {
    if (params?.probe && services.health.refresh()) services.broadcaster.broadcast("health", services.health.snapshot(), services.stateVersion());
    return services.health.snapshot();
  },

  status: (_params, { services: s }): StatusResult => {
    const mem = process.memoryUsage();
    return {
      runtimeVersion: s.version,
      commit: s.commit,
      pid: process.pid,
      uptimeMs: Date.now() - s.startedAt,
      protocol: { min: MIN_PROTOCOL_VERSION, max: MAX_PROTOCOL_VERSION },
      listen: s.listen,
      stateDir: s.stateDir,
      configPath: s.config.path,
      authMode: s.authMode,
      connections: s.registry.counts(),
      processMemory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, heapTotalBytes: mem.heapTotal },
      queuedSystemEvents: [...s.systemEvents],
      channelSummary: [],
      sessions: { count: 0, recent: [] },
    };
  },

  "system-presence": (_params, { services }) => services.presence.list(),

  "system-event": (params: SystemEventParams, { conn, services: s }) => {
    const { text, idempotencyKey: _key, ...presence } = params;
    s.systemEvents.push(text);
    if (s.systemEvents.length > MAX_QUEUED_SYSTEM_EVENTS) s.systemEvents.shift();
    const key = presence.deviceId ?? presence.instanceId;
    if (key) {
      s.presence.report(key, { ...presence, text });
      s.broadcaster.broadcast("presence", { presence: s.presence.list() }, s.stateVersion());
    }
    s.log.info("system event", { conn: conn.id, chars: text.length });
    return { ok: true, queued: s.systemEvents.length };
  },
};
