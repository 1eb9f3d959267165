/** @module Handlers of `last-heartbeat`, `set-heartbeats` and `wake` (agent.md §6.2). */
import type { HeartbeatEvent, SetHeartbeatsParams, WakeParams } from "../../protocol/methods/heartbeat.ts";
import type { MethodTable } from "../context.ts";

/** Heartbeat handlers. */
export const heartbeatMethods: MethodTable = {
  "last-heartbeat": (_p, { services: s }): HeartbeatEvent | null => s.heartbeat.lastEvent(),

  "set-heartbeats": (p: SetHeartbeatsParams, { conn, services: s }) => {
    const enabled = s.heartbeat.setEnabled(p.enabled);
    s.log.info("heartbeats toggled", { conn: conn.id, requested: p.enabled, enabled });
    return { ok: true, enabled };
  },

  wake: (p: WakeParams, { conn, services: s }) => {
    s.heartbeat.wake(p.text, p.mode, "wake");
    s.log.info("wake", { conn: conn.id, mode: p.mode, chars: p.text.length });
    return { ok: true };
  },
};
