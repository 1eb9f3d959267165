/**
 * @module The shared connect-and-retry lifecycle with scripted in-memory attempts: statuses with identity, retry
 * after a failed attempt or a lost connection (each attempt failing once at most, releasing what it held),
 * late results of a stopped attempt dropped, idempotent stop, the context's abort, and fatal failures that end the retries.
 */
import { describe, expect, it } from "bun:test";
import { createConnectionLoop, type ConnectionAttempt } from "../../src/channels/connection-loop.ts";
import { recordingContext } from "./slack/context.ts";

/** A loop whose attempts are settled by the test: `outcomes` is consumed per attempt (`ok` or an error message). */
function scripted(outcomes: Array<"ok" | string>) {
  const attempts: ConnectionAttempt[] = [];
  let releases = 0;
  let gate: Promise<void> | undefined;
  let entered: (() => void) | undefined;
  const loop = createConnectionLoop({
    channel: "test", accountId: "a1", identity: { botName: "Bot" }, backoff: { initialMs: 5, maxMs: 20 }, warning: "test unreachable",
    async connect(attempt) {
      attempts.push(attempt);
      entered?.();
      if (gate) await gate;
      const outcome = outcomes.shift() ?? "ok";
      if (outcome !== "ok") throw new Error(outcome);
    },
    isFatal: (err) => err instanceof Error && err.message.startsWith("fatal"),
    release() {
      releases += 1;
    },
  });
  return {
    loop, attempts, releases: () => releases,
    /** Holds every attempt until `p` resolves; the returned promise resolves when the next attempt has begun. */
    hold(p: Promise<void>): Promise<void> {
      gate = p;
      return new Promise<void>((r) => { entered = r; });
    },
  };
}

describe("connection loop", () => {
  it("should connect on the first attempt and report the identity", async () => {
    const s = scripted(["ok"]);
    const rec = recordingContext();
    await s.loop.start(rec.ctx);
    expect(rec.statuses.map((x) => x.state)).toEqual(["connecting", "connected"]);
    expect(s.loop.status()).toMatchObject({ channel: "test", accountId: "a1", state: "connected", botName: "Bot" });
    expect(s.loop.status().lastError).toBeUndefined();
    expect(s.loop.context()).toBe(rec.ctx);
    await s.loop.stop();
  });

  it("should retry a failed attempt with backoff, releasing it, until one connects", async () => {
    const s = scripted(["refused", "still refused", "ok"]);
    const rec = recordingContext();
    await s.loop.start(rec.ctx);
    expect(s.loop.status()).toMatchObject({ state: "disconnected", lastError: "refused" });
    await rec.status("connected");
    expect(rec.statuses.map((x) => [x.state, x.lastError])).toEqual([
      ["connecting", undefined], ["disconnected", "refused"], ["connecting", undefined], ["disconnected", "still refused"],
      ["connecting", undefined], ["connected", undefined],
    ]);
    expect(s.releases()).toBe(2);
    await s.loop.stop();
  });

  it("should retry once when a connection is lost, however often the loss is reported", async () => {
    const s = scripted(["ok", "ok"]);
    const rec = recordingContext();
    await s.loop.start(rec.ctx);
    const first = s.attempts[0]!;
    const from = rec.statuses.length;
    first.lost("socket closed");
    first.lost("socket closed again");
    expect(first.current).toBe(false);
    expect(s.loop.status()).toMatchObject({ state: "disconnected", lastError: "socket closed" });
    await rec.status("connected", from);
    expect(s.attempts).toHaveLength(2);
    expect(rec.statuses.slice(from).map((x) => x.state)).toEqual(["disconnected", "connecting", "connected"]);
    await s.loop.stop();
  });

  it("should drop the late result of an attempt stopped midway, and stop only once", async () => {
    const s = scripted(["ok"]);
    let open!: () => void;
    const begun = s.hold(new Promise<void>((r) => { open = r; }));
    const rec = recordingContext();
    const started = s.loop.start(rec.ctx);
    await begun;
    await s.loop.stop();
    expect(s.attempts[0]!.current).toBe(false);
    open();
    await started;
    expect(s.loop.status().state).toBe("stopped");
    expect(rec.statuses.map((x) => x.state)).toEqual(["connecting", "stopped"]);
    await s.loop.stop();
    expect(rec.statuses).toHaveLength(2);
    expect(s.releases()).toBe(1);
  });

  it("should stop when the context is aborted, and not start on an aborted one", async () => {
    const s = scripted(["ok"]);
    const rec = recordingContext();
    await s.loop.start(rec.ctx);
    rec.controller.abort();
    await rec.status("stopped");
    const again = recordingContext();
    again.controller.abort();
    await s.loop.start(again.ctx);
    expect(s.attempts).toHaveLength(1);
    expect(again.statuses).toEqual([]);
  });

  it("should report error without retrying after a fatal failure, and retry again after a new start", async () => {
    const s = scripted(["fatal: bad token", "ok"]);
    const rec = recordingContext();
    await s.loop.start(rec.ctx);
    expect(s.loop.status()).toMatchObject({ state: "error", lastError: "fatal: bad token", botName: "Bot" });
    expect(s.attempts[0]!.current).toBe(false);
    expect(s.releases()).toBe(1);
    await Bun.sleep(40);
    expect(s.attempts).toHaveLength(1);
    expect(rec.statuses.map((x) => x.state)).toEqual(["connecting", "error"]);
    await s.loop.start(rec.ctx);
    expect(s.loop.status().state).toBe("connected");
    expect(rec.statuses.map((x) => x.state)).toEqual(["connecting", "error", "stopped", "connecting", "connected"]);
    await s.loop.stop();
  });
});
