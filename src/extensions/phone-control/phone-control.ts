/**
 * @module Arming and disarming: each arm edits `gateway.nodes` through the config API and records exactly what it
 * changed before writing; a disarm (by hand or at expiry) reverts only that. Operations run one at a time, so an
 * expiry check never interleaves with an arm.
 */
import type { PluginLogger } from "../../plugins/api.ts";
import { planArm, planDisarm, type ConfigPatch } from "./changes.ts";
import type { Clock } from "./clock.ts";
import { commandsOf, type GroupName } from "./groups.ts";
import type { ArmedState, ArmedStore } from "./store.ts";

/** The config API the plugin edits through (`api.runtime`). */
export interface ConfigAccess {
  readConfig(): unknown;
  patchConfig(patch: ConfigPatch): Promise<void>;
}

/** What `status` reports: disarmed, or the arm in force with its commands and time left. */
export type PhoneStatus = { armed: false } | (ArmedState & { armed: true; commands: string[]; remainingMs: number });

/** Why an arm ended. */
export type DisarmReason = "manual" | "expired";

/** The arm state machine over the config API, the armed record and a clock. */
export class PhoneControl {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: { store: ArmedStore; config: ConfigAccess; clock: Clock; logger: PluginLogger }) {}

  /** The arm in force, if any. */
  status(): PhoneStatus {
    const state = this.o.store.load();
    if (!state) return { armed: false };
    const commands = [...new Set(state.groups.flatMap(commandsOf))];
    return { armed: true, ...state, commands, remainingMs: Math.max(0, state.expiresAtMs - this.o.clock.now()) };
  }

  /**
   * Arms `group` for `durationMs` from now. A re-arm while armed adds the group to the arm in force and sets the new
   * expiry; its changes add to the recorded ones.
   * @param by who arms: `<channel>:<senderId>` or `operator`
   * @throws when the config write fails (the record is then restored to what it was)
   */
  arm(group: GroupName, durationMs: number, by: string): Promise<PhoneStatus> {
    return this.serial(async () => {
      const previous = this.o.store.load();
      const { patch, changes } = planArm(this.o.config.readConfig(), commandsOf(group), previous);
      const now = this.o.clock.now();
      const groups = previous?.groups.includes(group) ? previous.groups : [...(previous?.groups ?? []), group];
      // Recorded before the config write: a crash in between leaves a revert that is harmless to run.
      this.o.store.save({ ...changes, groups, armedBy: by, armedAtMs: now, expiresAtMs: now + durationMs });
      try {
        if (patch) await this.o.config.patchConfig(patch);
      } catch (error) {
        if (previous) this.o.store.save(previous);
        else this.o.store.clear();
        throw error;
      }
      this.o.logger.info("phone commands armed", { group, by, expiresAtMs: now + durationMs, addedToAllow: changes.addedToAllow, removedFromDeny: changes.removedFromDeny });
      return this.status();
    });
  }

  /**
   * Reverts what the arm in force changed and forgets it.
   * @returns the arm that ended, or undefined when none was in force
   */
  disarm(reason: DisarmReason): Promise<ArmedState | undefined> {
    return this.serial(() => this.disarmNow(reason));
  }

  /**
   * Disarms when the arm in force has expired (run at start-up and every 15 s).
   * @returns the arm that ended, if it expired
   */
  checkExpiry(): Promise<ArmedState | undefined> {
    return this.serial(async () => {
      const state = this.o.store.load();
      return state && this.o.clock.now() >= state.expiresAtMs ? this.disarmNow("expired") : undefined;
    });
  }

  private async disarmNow(reason: DisarmReason): Promise<ArmedState | undefined> {
    const state = this.o.store.load();
    if (!state) return undefined;
    const patch = planDisarm(this.o.config.readConfig(), state);
    if (patch) await this.o.config.patchConfig(patch);
    this.o.store.clear();
    this.o.logger.info("phone commands disarmed", { reason, groups: state.groups, reverted: patch !== null });
    return state;
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op);
    this.queue = run.catch(() => {});
    return run;
  }
}
