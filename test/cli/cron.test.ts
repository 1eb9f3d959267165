/** `mayros cron list|add|rm|run|runs` as a real CLI process against an in-process gateway. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jobFromFlags, scheduleText } from "../../src/cli/cron.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { runCli } from "./spawn.ts";

let gw: TestGateway;
let stateDir: string;

beforeAll(async () => {
  gw = await startTestGateway();
  stateDir = mkdtempSync(join(tmpdir(), "mayros-cli-cron-"));
});
afterAll(async () => {
  await gw.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli([...args, "--url", gw.url, "--token", gw.token], { stateDir });

describe("mayros cron (against a gateway)", () => {
  it("should add, list, run, show runs of and remove jobs", async () => {
    expect((await cli("cron", "list")).stdout).toBe("no cron jobs\n");

    const text = `Stand up ${crypto.randomUUID()}`;
    const added = await cli("cron", "add", "--name", "Standup", "--every", "10m", "--system-event", text, "--wake", "next-heartbeat");
    expect(added.code).toBe(0);
    const id = added.stdout.match(/^added cron job (\S+) \(Standup\)$/m)?.[1];
    expect(id).toBeDefined();
    expect(added.stdout).toContain("next run: ");

    const brief = await cli("cron", "add", "--name", "Brief", "--cron", "0 7 * * *", "--tz", "Europe/Madrid", "--message", "Summarize.", "--json");
    expect(brief.code).toBe(0);
    const briefJob = JSON.parse(brief.stdout);
    expect(briefJob).toMatchObject({
      name: "Brief", sessionTarget: "isolated", schedule: { kind: "cron", expr: "0 7 * * *", tz: "Europe/Madrid" },
      payload: { kind: "agentTurn", message: "Summarize." },
    });

    const list = await cli("cron", "list");
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^ID\s+NAME\s+SCHEDULE\s+TARGET\s+NEXT\s+LAST$/);
    expect(list.stdout).toContain("every 10m");
    expect(list.stdout).toContain('cron "0 7 * * *" Europe/Madrid');

    const run = await cli("cron", "run", id!);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ ok in \d+ ms {2}Stand up /);
    expect(gw.gateway.services.systemEvents).toContain(text);

    const runs = await cli("cron", "runs", id!, "--json");
    expect(JSON.parse(runs.stdout)).toEqual([expect.objectContaining({ jobId: id, status: "ok", summary: text })]);

    expect((await cli("cron", "rm", id!)).stdout).toBe(`removed cron job ${id}\n`);
    const again = await cli("cron", "rm", id!);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no cron job ${id}`);
    expect((await cli("cron", "list", "--json")).stdout).toContain(briefJob.id);
    await cli("cron", "rm", briefJob.id);
  });

  it("should exit 1 with the gateway's message for a job it refuses", async () => {
    const r = await cli("cron", "add", "--name", "X", "--cron", "0 7 * * *", "--tz", "Mars/Base", "--message", "m");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("schedule.tz");
  });

  it("should exit 2 for a missing or doubled schedule or payload without connecting", async () => {
    const offline = (...args: string[]) => runCli([...args, "--url", "ws://127.0.0.1:1", "--token", "x"], { stateDir });
    const results = await Promise.all([
      offline("cron", "add", "--name", "X", "--message", "m"),
      offline("cron", "add", "--name", "X", "--every", "1m", "--at", "2030-01-01T00:00:00Z", "--message", "m"),
      offline("cron", "add", "--name", "X", "--every", "1m"),
      offline("cron", "add", "--name", "X", "--every", "soon", "--message", "m"),
    ]);
    for (const r of results) expect(r.code).toBe(2);
    expect(results[0]!.stderr).toContain("choose exactly one schedule: --cron, --every or --at");
    expect(results[2]!.stderr).toContain("choose exactly one payload: --message or --system-event");
    expect(results[3]!.stderr).toContain('--every: invalid duration "soon"');
  });
});

describe("jobFromFlags", () => {
  const base = { name: "N" };
  it("should build a main systemEvent job (wake now by default) and an isolated agentTurn job", () => {
    expect(jobFromFlags({ ...base, at: "2030-01-01T07:00:00Z", systemEvent: "hi" })).toEqual({
      name: "N", schedule: { kind: "at", at: "2030-01-01T07:00:00Z" }, sessionTarget: "main", wakeMode: "now", payload: { kind: "systemEvent", text: "hi" },
    });
    expect(jobFromFlags({ ...base, every: "1h30m", message: "go", timeoutSeconds: "90", disabled: true, description: "d" })).toEqual({
      name: "N", description: "d", enabled: false, schedule: { kind: "every", everyMs: 5_400_000 }, sessionTarget: "isolated",
      payload: { kind: "agentTurn", message: "go", timeoutSeconds: 90 },
    });
  });

  it("should refuse flags that do not belong together", () => {
    expect(() => jobFromFlags({ ...base, every: "1m", tz: "UTC", message: "m" })).toThrow("--tz: only applies to --cron");
    expect(() => jobFromFlags({ ...base, every: "1m", message: "m", wake: "now" })).toThrow("--wake: only applies to --system-event");
    expect(() => jobFromFlags({ ...base, every: "500ms", message: "m" })).toThrow('--every: must be at least 1s, got "500ms"');
    expect(() => jobFromFlags({ ...base, every: "1m", systemEvent: "s", wake: "later" })).toThrow('--wake: expected now or next-heartbeat, got "later"');
  });

  it("should describe schedules in a few words", () => {
    expect(scheduleText({ kind: "every", everyMs: 90_000 })).toBe("every 1m 30s");
    expect(scheduleText({ kind: "at", at: "2030-01-01T07:00:00Z" })).toBe("at 2030-01-01T07:00:00Z");
    expect(scheduleText({ kind: "cron", expr: "* * * * * *" })).toBe('cron "* * * * * *"');
  });
});
