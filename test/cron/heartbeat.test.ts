/** @module Tests of the heartbeat runner on a fake clock: skips, ack suppression, retries, wake, toggling. */
import { afterEach, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HeartbeatRunner, MAX_QUEUED_SYSTEM_EVENTS, type HeartbeatRunnerOptions, type HeartbeatTurnOutcome } from "../../src/cron/heartbeat.ts";
import { DEFAULT_HEARTBEAT_PROMPT } from "../../src/cron/heartbeat-reply.ts";
import type { HeartbeatEvent } from "../../src/protocol/methods/heartbeat.ts";
import { FakeClock, flush } from "./helpers.ts";

const T0 = Date.UTC(2026, 0, 15, 12, 0);
const MAIN = "agent:main:main";
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A runner on a fake clock with a scripted turn; HEARTBEAT.md holds `file` (absent when undefined). */
function setup(opts: { file?: string; replies?: Array<HeartbeatTurnOutcome | Promise<HeartbeatTurnOutcome>> } & Partial<HeartbeatRunnerOptions> = {}) {
  const { file, replies = [], ...overrides } = opts;
  const workspace = mkdtempSync(join(tmpdir(), "mayros-hb-"));
  dirs.push(workspace);
  if (file !== undefined) writeFileSync(join(workspace, "HEARTBEAT.md"), file);
  const clock = new FakeClock(T0);
  const events: HeartbeatEvent[] = [];
  const turns: Array<{ runId: string; sessionKey: string; message: string }> = [];
  const systemEvents: string[] = [];
  const silentChecks: Array<(text: string) => boolean> = [];
  let busy = false;
  let last: { text: string; at: number } | undefined;
  const runner = new HeartbeatRunner({
    everyMs: 30 * 60_000, workspace, sessionKey: MAIN, systemEvents,
    turn: async ({ silentReply, ...req }) => {
      silentChecks.push(silentReply);
      turns.push(req);
      const reply = replies.shift();
      if (!reply) throw new Error("no reply scripted");
      return reply;
    },
    isBusy: () => busy,
    lastSent: { get: () => last, set: (text, at) => void (last = { text, at }) },
    onEvent: (e) => events.push(e),
    now: clock.now, setTimer: clock.setTimer, clearTimer: clock.clearTimer, newRunId: () => `run-${turns.length + 1}`,
    ...overrides,
  });
  return { runner, clock, events, turns, silentChecks, systemEvents, setBusy: (b: boolean) => void (busy = b), lastSent: () => last };
}

const ok = (text: string): HeartbeatTurnOutcome => ({ status: "ok", text });

describe("HeartbeatRunner schedule", () => {
  it("should arm one timer an interval ahead and beat when it fires", async () => {
    const { runner, clock, events, turns, silentChecks } = setup({ replies: [ok("HEARTBEAT_OK")] });
    runner.start();
    expect(clock.pending?.ms).toBe(30 * 60_000);
    await clock.advance(30 * 60_000);
    expect(turns).toEqual([{ runId: "run-1", sessionKey: MAIN, message: DEFAULT_HEARTBEAT_PROMPT }]);
    // The run is told which replies are acknowledgements to keep out of the chat stream.
    expect(silentChecks[0]?.("HEARTBEAT_OK")).toBe(true);
    expect(silentChecks[0]?.("The disk is full.")).toBe(false);
    expect(events).toEqual([{ ts: T0 + 30 * 60_000, status: "ok-token", durationMs: 0, indicatorType: "ok", silent: true }]);
    expect(clock.pending?.at).toBe(T0 + 60 * 60_000);
    runner.stop();
  });

  it("should arm nothing when off (every 0 or set-heartbeats false) and report disabled beats", async () => {
    const zero = setup({ everyMs: 0 });
    zero.runner.start();
    expect(zero.runner.enabled).toBe(false);
    expect(zero.clock.timers.size).toBe(0);
    expect(await zero.runner.runOnce()).toMatchObject({ status: "skipped", reason: "disabled" });

    const { runner, clock } = setup();
    runner.start();
    expect(runner.setEnabled(false)).toBe(false);
    expect(clock.timers.size).toBe(0);
    expect(runner.setEnabled(true)).toBe(true);
    expect(clock.timers.size).toBe(1);
    runner.stop();
    expect(clock.timers.size).toBe(0);
  });
});

describe("HeartbeatRunner skips", () => {
  it("should skip without a model call when HEARTBEAT.md has only blanks and headings", async () => {
    const { runner, events, turns } = setup({ file: "# Heartbeat checklist\n\n" });
    runner.start();
    expect(await runner.runOnce()).toMatchObject({ status: "skipped", reason: "empty-heartbeat-file" });
    expect(turns).toHaveLength(0);
    expect(events).toHaveLength(1);
    runner.stop();
  });

  it("should run despite an empty HEARTBEAT.md when system events wait, draining them into the prompt", async () => {
    const { runner, turns, systemEvents } = setup({ file: "# Heartbeat\n", replies: [ok("HEARTBEAT_OK")] });
    runner.start();
    runner.enqueueSystemEvent("Reminder: stand up");
    expect(await runner.runOnce()).toMatchObject({ status: "ok-token" });
    expect(turns[0]!.message).toBe(`System: Reminder: stand up\n\n${DEFAULT_HEARTBEAT_PROMPT}`);
    expect(systemEvents).toEqual([]);
    runner.stop();
  });

  it("should skip outside the active hours", async () => {
    const { runner, turns } = setup({ activeHours: { start: "08:00", end: "09:00" }, userTimezone: "UTC" });
    runner.start();
    expect(await runner.runOnce()).toMatchObject({ status: "skipped", reason: "quiet-hours" });
    expect(turns).toHaveLength(0);
    runner.stop();
  });

  it("should skip a busy main lane, retry quietly every busyRetryMs, and run once it is free", async () => {
    const { runner, clock, events, turns, setBusy } = setup({ replies: [ok("HEARTBEAT_OK")], busyRetryMs: 1_000 });
    runner.start();
    setBusy(true);
    expect(await runner.runOnce()).toMatchObject({ status: "skipped", reason: "requests-in-flight" });
    await clock.advance(1_000);
    await clock.advance(1_000);
    expect(events.map((e) => e.reason)).toEqual(["requests-in-flight"]); // retries do not repeat the event
    setBusy(false);
    await clock.advance(1_000);
    expect(turns).toHaveLength(1);
    expect(events.map((e) => e.status)).toEqual(["skipped", "ok-token"]);
    runner.stop();
  });
});

describe("HeartbeatRunner replies", () => {
  it("should report ok-empty, ok-token, sent with a preview, and failed", async () => {
    const long = `Heads up: ${"x".repeat(400)}`;
    const { runner, lastSent } = setup({ replies: [ok(""), ok("**HEARTBEAT_OK**"), ok(long), { status: "error", text: "", error: "model down" }] });
    runner.start();
    expect(await runner.runOnce()).toMatchObject({ status: "ok-empty", indicatorType: "ok" });
    expect(await runner.runOnce()).toMatchObject({ status: "ok-token", silent: true });
    const sent = await runner.runOnce();
    expect(sent).toMatchObject({ status: "sent", indicatorType: "alert" });
    expect(sent.preview).toBe(long.slice(0, 200));
    expect(lastSent()).toEqual({ text: long, at: T0 });
    expect(await runner.runOnce()).toMatchObject({ status: "failed", reason: "model down", indicatorType: "error" });
    expect(runner.lastEvent()).toMatchObject({ status: "failed" });
    runner.stop();
  });

  it("should not send the same alert twice within 24 h", async () => {
    const { runner, clock } = setup({ replies: [ok("Water the plants"), ok("Water the plants"), ok("Water the plants")] });
    runner.start();
    expect(await runner.runOnce()).toMatchObject({ status: "sent" });
    clock.set(T0 + 60_000);
    expect(await runner.runOnce()).toMatchObject({ status: "skipped", reason: "duplicate", preview: "Water the plants" });
    clock.set(T0 + 24 * 3_600_000);
    expect(await runner.runOnce()).toMatchObject({ status: "sent" });
    runner.stop();
  });

  it("should report a throwing turn as failed", async () => {
    const { runner } = setup();
    runner.start();
    expect(await runner.runOnce()).toMatchObject({ status: "failed", reason: "no reply scripted" });
    runner.stop();
  });
});

describe("HeartbeatRunner wake", () => {
  it("should queue the text and beat now for mode now, only queue for next-heartbeat", async () => {
    const { runner, turns, systemEvents } = setup({ file: "# empty\n", replies: [ok("HEARTBEAT_OK")] });
    runner.start();
    runner.wake("later", "next-heartbeat");
    await flush();
    expect(turns).toHaveLength(0);
    expect(systemEvents).toEqual(["later"]);
    runner.wake("now please", "now");
    await flush();
    expect(turns).toHaveLength(1);
    expect(turns[0]!.message).toStartWith("System: later\nSystem: now please\n\n");
    runner.stop();
  });

  it("should follow a running beat with one more when woken meanwhile", async () => {
    let release!: (o: HeartbeatTurnOutcome) => void;
    const first = new Promise<HeartbeatTurnOutcome>((resolve) => (release = resolve));
    const { runner, turns } = setup({ replies: [first, ok("HEARTBEAT_OK")] });
    runner.start();
    const running = runner.runOnce();
    await flush();
    runner.requestNow("a");
    runner.requestNow("b");
    expect(turns).toHaveLength(1);
    release(ok("HEARTBEAT_OK"));
    await running;
    await flush();
    expect(turns).toHaveLength(2);
    runner.stop();
  });

  it("should cap the system-event queue, dropping the oldest", () => {
    const { runner, systemEvents } = setup();
    for (let i = 0; i <= MAX_QUEUED_SYSTEM_EVENTS; i++) runner.enqueueSystemEvent(`e${i}`);
    expect(systemEvents).toHaveLength(MAX_QUEUED_SYSTEM_EVENTS);
    expect(systemEvents[0]).toBe("e1");
  });

  it("should ignore wakes and stay quiet once stopped", async () => {
    let release!: (o: HeartbeatTurnOutcome) => void;
    const { runner, events, turns } = setup({ replies: [new Promise((resolve) => (release = resolve))] });
    runner.start();
    const running = runner.runOnce();
    await flush();
    runner.stop();
    release(ok("Late alert"));
    expect(await running).toMatchObject({ status: "sent" });
    expect(events).toHaveLength(0);
    runner.requestNow();
    await flush();
    expect(turns).toHaveLength(1);
  });
});
