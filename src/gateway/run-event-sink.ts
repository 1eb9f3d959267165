/**
 * @module Where agent runs' events go: `agent` and `chat` broadcasts, and tool steps only to the
 * tool-events clients involved in the run (protocol.md §7.2).
 */
import { hasScope } from "../protocol/index.ts";
import type { RunEventSink } from "../agent/run-events.ts";
import type { Broadcaster } from "./broadcast.ts";
import type { Connection } from "./connection.ts";
import type { ConnectionRegistry } from "./registry.ts";

/** Runs whose callers are remembered at most (the oldest are forgotten first). */
export const MAX_TRACKED_RUNS = 1_000;
/** Watched connections kept before closed ones are swept out. */
const SWEEP_AT = 256;

/**
 * Who registered for tool events: the connection that started a run (the `agent` / `chat.send`
 * caller) and connections that showed interest in a session (`chat.history` / `chat.send` for its
 * key). Until anything was registered, the gateway's method handlers are taken not to register
 * at all, and tool events keep going to every tool-events client (the behaviour before targeting).
 */
export class ToolEventAudience {
  private readonly callers = new Map<string, Set<string>>();
  private readonly watching = new Map<string, Set<string>>();
  private used = false;

  /** @param isOpen whether a connection id is still live (closed ones are swept from the watch list). */
  constructor(private readonly isOpen: (connId: string) => boolean = () => true) {}

  /** Whether targeting is in force: something was registered since the gateway started. */
  get targeted(): boolean {
    return this.used;
  }

  /** Turns targeting on for good (once the method handlers register callers and watchers). */
  enableTargeting(): void {
    this.used = true;
  }

  /** Records that `connId` started (or queued a message into) run `runId`. */
  addCaller(runId: string, connId: string): void {
    this.used = true;
    let set = this.callers.get(runId);
    if (!set) {
      if (this.callers.size >= MAX_TRACKED_RUNS) this.callers.delete(this.callers.keys().next().value!);
      this.callers.set(runId, (set = new Set()));
    }
    set.add(connId);
  }

  /** Records that `connId` looks at session `sessionKey` (it then gets the tool events of that session's runs). */
  watchSession(connId: string, sessionKey: string): void {
    this.used = true;
    if (this.watching.size >= SWEEP_AT) for (const id of this.watching.keys()) if (!this.isOpen(id)) this.watching.delete(id);
    let set = this.watching.get(connId);
    if (!set) this.watching.set(connId, (set = new Set()));
    set.add(sessionKey);
  }

  /** Forgets the callers of a finished run. */
  endRun(runId: string): void {
    this.callers.delete(runId);
  }

  /** Whether `connId` registered for the tool events of run `runId` in session `sessionKey`. */
  includes(connId: string, runId: string, sessionKey: string | undefined): boolean {
    if (!this.used) return true;
    if (this.callers.get(runId)?.has(connId)) return true;
    return sessionKey !== undefined && this.watching.get(connId)?.has(sessionKey) === true;
  }
}

const audiences = new WeakMap<ConnectionRegistry, ToolEventAudience>();

/** The tool-event audience of the gateway that owns `registry` (created on first use). */
export function toolEventAudience(registry: ConnectionRegistry): ToolEventAudience {
  let audience = audiences.get(registry);
  if (!audience) audiences.set(registry, (audience = new ToolEventAudience((id) => registry.get(id) !== undefined)));
  return audience;
}

/**
 * Registers `conn` for the tool events of `sessionKey`'s runs; `chat.history` and `chat.send`
 * call this with their session key.
 * @example watchSession(s.registry, conn, key);
 */
export function watchSession(registry: ConnectionRegistry, conn: Pick<Connection, "id">, sessionKey: string): void {
  toolEventAudience(registry).watchSession(conn.id, sessionKey);
}

/**
 * Broadcasts run events. Tool events are not broadcast: they go only to operators that connected
 * with `caps: ["tool-events"]`, hold `operator.read`, and registered for the run in `audience`.
 */
export function runEventSink(registry: ConnectionRegistry, broadcaster: Broadcaster, audience = toolEventAudience(registry)): RunEventSink {
  return {
    agent(payload, toolEvent) {
      if (!toolEvent) {
        broadcaster.broadcast("agent", payload);
        const phase = payload.stream === "lifecycle" ? payload.data.phase : undefined;
        if (phase === "end" || phase === "error") audience.endRun(payload.runId);
        return;
      }
      for (const conn of registry.open()) {
        const id = conn.identity;
        if (id?.role !== "operator" || !id.caps.includes("tool-events") || !hasScope(id.scopes, "operator.read")) continue;
        if (audience.includes(conn.id, payload.runId, payload.sessionKey)) broadcaster.sendTo(conn, "agent", payload);
      }
    },
    chat(payload) {
      broadcaster.broadcast("chat", payload);
    },
  };
}
