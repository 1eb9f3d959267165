/** @module Where agent runs' events go: `agent` and `chat` broadcasts, tool steps only to clients that asked for them. */
import { hasScope } from "../protocol/index.ts";
import type { RunEventSink } from "../agent/run-events.ts";
import type { Broadcaster } from "./broadcast.ts";
import type { ConnectionRegistry } from "./registry.ts";

/**
 * Broadcasts run events. Tool events are not broadcast: they go only to operators that connected
 * with `caps: ["tool-events"]` (protocol.md §7.2).
 */
export function runEventSink(registry: ConnectionRegistry, broadcaster: Broadcaster): RunEventSink {
  return {
    agent(payload, toolEvent) {
      if (!toolEvent) return void broadcaster.broadcast("agent", payload);
      for (const conn of registry.open()) {
        const id = conn.identity;
        if (id?.role === "operator" && id.caps.includes("tool-events") && hasScope(id.scopes, "operator.read")) broadcaster.sendTo(conn, "agent", payload);
      }
    },
    chat(payload) {
      broadcaster.broadcast("chat", payload);
    },
  };
}
