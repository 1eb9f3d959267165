/**
 * @module The protocol surface: every method with its params, result, role and scope, and every
 * event with its payload and scope guard. Dispatch, broadcast, hello-ok and codegen all read this table.
 */
import type { TSchema } from "@sinclair/typebox";
import type { Role } from "./connect.ts";
import type { Scope } from "./scopes.ts";
import { ConnectParams } from "./connect.ts";
import { HealthSnapshot, HelloOkV4 } from "./hello.ts";
import { ConnectChallengePayload, PresencePayload, ShutdownPayload, TickPayload } from "./events.ts";
import * as sys from "./methods/system.ts";
import * as cfg from "./methods/config.ts";

/** How a method treats `params.idempotencyKey`: required and deduped, or deduped when given. */
export type Idempotency = "required" | "optional";

/** Wire facts about one method. */
export interface MethodSpec {
  /** Schema of `params` (an `Optional` schema means params may be omitted). */
  params: TSchema;
  /** Schema of the success payload. */
  result: TSchema;
  /** The role allowed to call it. */
  role: Role;
  /** Scope required of operators; `null` = any authenticated connection. */
  scope: Scope | null;
  /** Side-effecting methods dedupe retries by `idempotencyKey`. */
  idempotency?: Idempotency;
  /** One line for docs and generated code. */
  summary: string;
}

/** Who receives an event: everyone, operators holding a scope, or one targeted connection. */
export type EventGuard = { kind: "everyone" } | { kind: "scope"; scope: Scope } | { kind: "targeted" };

/** Wire facts about one event. */
export interface EventSpec {
  payload: TSchema;
  guard: EventGuard;
  /** Skipped (its seq still consumed) for a client whose send buffer is over `maxBufferedBytes`. */
  droppable: boolean;
  summary: string;
}

/** Every method this gateway implements. */
export const METHODS = {
  connect: { params: ConnectParams, result: HelloOkV4, role: "operator", scope: null, summary: "Handshake; only valid as the first request." },
  health: { params: sys.HealthParams, result: sys.HealthResult, role: "operator", scope: null, summary: "Cached health snapshot; `probe` recomputes it." },
  status: { params: sys.StatusParams, result: sys.StatusResult, role: "operator", scope: "operator.read", summary: "Gateway status summary." },
  "system-presence": { params: sys.SystemPresenceParams, result: sys.SystemPresenceResult, role: "operator", scope: "operator.read", summary: "Every presence row." },
  "system-event": { params: sys.SystemEventParams, result: sys.SystemEventResult, role: "operator", scope: "operator.admin", idempotency: "optional", summary: "Queue a system event for the main session and refresh the sender's presence." },
  "logs.tail": { params: sys.LogsTailParams, result: sys.LogsTailResult, role: "operator", scope: "operator.read", summary: "Read the gateway log by cursor." },
  "config.get": { params: cfg.ConfigGetParams, result: cfg.ConfigGetResult, role: "operator", scope: "operator.read", summary: "The config file, secrets redacted, with its hash." },
  "config.schema": { params: cfg.ConfigSchemaParams, result: cfg.ConfigSchemaResult, role: "operator", scope: "operator.read", summary: "JSON Schema of the config file." },
  "config.patch": { params: cfg.ConfigWriteParams, result: cfg.ConfigWriteResult, role: "operator", scope: "operator.admin", idempotency: "optional", summary: "Merge-patch the config file (validated, atomic, baseHash-checked)." },
  "config.apply": { params: cfg.ConfigWriteParams, result: cfg.ConfigWriteResult, role: "operator", scope: "operator.admin", idempotency: "optional", summary: "Replace the config file (validated, atomic, baseHash-checked)." },
} as const satisfies Record<string, MethodSpec>;

/** Name of a method in {@link METHODS}. */
export type MethodName = keyof typeof METHODS;

const everyone: EventGuard = { kind: "everyone" };

/** Every event this gateway emits. */
export const EVENTS = {
  "connect.challenge": { payload: ConnectChallengePayload, guard: { kind: "targeted" }, droppable: false, summary: "Handshake nonce, sent on open." },
  tick: { payload: TickPayload, guard: everyone, droppable: true, summary: "Keepalive every tickIntervalMs." },
  presence: { payload: PresencePayload, guard: { kind: "scope", scope: "operator.read" }, droppable: true, summary: "Presence list after a change." },
  health: { payload: HealthSnapshot, guard: everyone, droppable: true, summary: "Health snapshot after a change." },
  shutdown: { payload: ShutdownPayload, guard: everyone, droppable: false, summary: "The gateway is stopping." },
} as const satisfies Record<string, EventSpec>;

/** Name of an event in {@link EVENTS}. */
export type EventName = keyof typeof EVENTS;

/** Method names advertised in `hello-ok.features.methods` (connect is implied). */
export const ADVERTISED_METHODS: string[] = Object.keys(METHODS).filter((m) => m !== "connect");
/** Event names advertised in `hello-ok.features.events`. */
export const ADVERTISED_EVENTS: string[] = Object.keys(EVENTS);
