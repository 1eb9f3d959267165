/** @module Tests of cron.add / cron.update validation: shapes, target/payload pairing, expressions and zones. */
import { describe, expect, it } from "bun:test";
import { applyJobPatch, validateJobCreate, type CronJob } from "../../src/cron/index.ts";
import { GatewayError } from "../../src/protocol/index.ts";
import { isolatedJob, mainJob } from "./helpers.ts";

/** The message of the GatewayError `fn` rejects with (asserting its code). */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).code).toBe("INVALID_REQUEST");
    return (err as GatewayError).message;
  }
  throw new Error("expected a rejection");
}

const stored = (spec: Awaited<ReturnType<typeof validateJobCreate>>): CronJob => ({
  id: "job-1", ...spec, createdAtMs: 1, updatedAtMs: 1, state: {},
});

describe("validateJobCreate", () => {
  it("should fill the defaults of enabled, wakeMode and agentId", async () => {
    const spec = await validateJobCreate(mainJob());
    expect(spec).toMatchObject({ enabled: true, wakeMode: "now", agentId: "main", sessionTarget: "main" });
    expect(await validateJobCreate(isolatedJob({ enabled: false, agentId: "ops", wakeMode: "next-heartbeat" })))
      .toMatchObject({ enabled: false, agentId: "ops", wakeMode: "next-heartbeat" });
  });

  it("should require a systemEvent payload for sessionTarget main, naming the field", async () => {
    const input = mainJob({ payload: { kind: "agentTurn", message: "hi" } });
    expect(await rejection(validateJobCreate(input)))
      .toBe('payload.kind: sessionTarget "main" requires payload kind "systemEvent" (got "agentTurn")');
  });

  it("should require an agentTurn payload for sessionTarget isolated, naming the field", async () => {
    const input = isolatedJob({ payload: { kind: "systemEvent", text: "hi" } });
    expect(await rejection(validateJobCreate(input)))
      .toBe('payload.kind: sessionTarget "isolated" requires payload kind "agentTurn" (got "systemEvent")');
  });

  it("should reject an invalid cron expression and an unknown time zone", async () => {
    expect(await rejection(validateJobCreate(isolatedJob({ schedule: { kind: "cron", expr: "0 25 * * *" } }))))
      .toStartWith('schedule.expr: invalid cron expression "0 25 * * *": ');
    expect(await rejection(validateJobCreate(isolatedJob({ schedule: { kind: "cron", expr: "0 9 * * *", tz: "Europe/Atlantis" } }))))
      .toBe('schedule.tz: unknown time zone "Europe/Atlantis"');
  });

  it("should name the schedule field that is wrong", async () => {
    expect(await rejection(validateJobCreate(isolatedJob({ schedule: { kind: "every", everyMs: 500 } }))))
      .toBe("schedule.everyMs: must be >= 1000");
    expect(await rejection(validateJobCreate(isolatedJob({ schedule: { kind: "weekly" } as never }))))
      .toBe('schedule.kind: must be one of "at", "every", "cron"');
    expect(await rejection(validateJobCreate(isolatedJob({ schedule: { kind: "at", at: "soon" } }))))
      .toBe('schedule.at: "soon" is not an ISO 8601 date-time');
    expect(await rejection(validateJobCreate(isolatedJob({ payload: { kind: "agentTurn" } as never }))))
      .toBe("payload.message: is required");
  });

  it("should reject unknown and missing top-level fields", async () => {
    expect(await rejection(validateJobCreate({ ...mainJob(), color: "red" }))).toBe("color: is not an allowed property");
    const { name: _name, ...nameless } = mainJob();
    expect(await rejection(validateJobCreate(nameless))).toBe("name: is required");
    expect(await rejection(validateJobCreate(isolatedJob({ delivery: { mode: "email" } as never }))))
      .toBe('delivery.mode: must be one of "announce", "webhook", "none"');
  });
});

describe("applyJobPatch", () => {
  it("should merge payload fields when the kind stays and replace the schedule", async () => {
    const job = stored(await validateJobCreate(isolatedJob({ payload: { kind: "agentTurn", message: "a", model: "m1" } })));
    const merged = await applyJobPatch(job, { payload: { message: "b" }, schedule: { kind: "cron", expr: "0 7 * * *", tz: "Europe/Madrid" } });
    expect(merged.payload).toEqual({ kind: "agentTurn", message: "b", model: "m1" });
    expect(merged.schedule).toEqual({ kind: "cron", expr: "0 7 * * *", tz: "Europe/Madrid" });
    expect(merged.id).toBe("job-1");
  });

  it("should merge delivery fields", async () => {
    const job = stored(await validateJobCreate(isolatedJob({ delivery: { mode: "announce", channel: "last" } })));
    expect((await applyJobPatch(job, { delivery: { to: "+1555" } })).delivery).toEqual({ mode: "announce", channel: "last", to: "+1555" });
    const bare = stored(await validateJobCreate(isolatedJob()));
    expect(await rejection(applyJobPatch(bare, { delivery: { to: "+1555" } }))).toBe("delivery.mode: is required");
  });

  it("should accept switching target and payload together and reject switching only one", async () => {
    const job = stored(await validateJobCreate(mainJob()));
    const switched = await applyJobPatch(job, { sessionTarget: "isolated", payload: { kind: "agentTurn", message: "go" } });
    expect(switched.payload).toEqual({ kind: "agentTurn", message: "go" });
    expect(await rejection(applyJobPatch(job, { sessionTarget: "isolated" })))
      .toBe('payload.kind: sessionTarget "isolated" requires payload kind "agentTurn" (got "systemEvent")');
  });

  it("should reject fields a patch may not change", async () => {
    const job = stored(await validateJobCreate(mainJob()));
    expect(await rejection(applyJobPatch(job, { id: "other" }))).toBe("patch.id: is not an allowed property");
    expect(await rejection(applyJobPatch(job, { state: {} }))).toBe("patch.state: is not an allowed property");
  });
});
