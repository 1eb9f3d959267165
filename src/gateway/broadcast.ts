/** @module Event fan-out: scope guards per event, per-connection `seq`, and dropping droppable events for slow clients. */
import { EVENTS, hasScope, type EventGuard, type EventName, type StateVersion } from "../protocol/index.ts";
import { sequencedEventFrame, type Connection } from "./connection.ts";
import type { ConnectionRegistry } from "./registry.ts";
import { toJson } from "./serialized.ts";

/** Whether `conn` passes an event's guard (protocol-v4.md §7: guarded events go to operators only). */
function mayReceive(conn: Connection, guard: EventGuard): boolean {
  if (guard.kind === "everyone") return true;
  if (guard.kind === "targeted") return false;
  const identity = conn.identity;
  return identity !== null && identity.role === "operator" && hasScope(identity.scopes, guard.scope);
}

/** Sends events to every open connection allowed to see them. */
export class Broadcaster {
  constructor(private readonly registry: ConnectionRegistry) {}

  /**
   * Broadcasts `event`; the payload is serialized once for all recipients.
   * @returns how many connections it was delivered to.
   */
  broadcast(event: EventName, payload: unknown, stateVersion?: StateVersion): number {
    const { guard, droppable } = EVENTS[event];
    const frame = sequencedEventFrame(event, payload === undefined ? undefined : toJson(payload), stateVersion);
    let delivered = 0;
    for (const conn of this.registry.open()) {
      if (mayReceive(conn, guard) && conn.sendSequenced(frame, droppable)) delivered++;
    }
    return delivered;
  }

  /** Sends `event` to one connection only (targeted events), still numbered by its `seq`. */
  sendTo(conn: Connection, event: EventName, payload: unknown): boolean {
    return conn.sendEvent(event, JSON.stringify(payload), EVENTS[event].droppable);
  }
}
