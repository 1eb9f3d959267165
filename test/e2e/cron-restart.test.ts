/** Cron jobs and their run log survive a gateway restart over the same state dir, with next runs recomputed. */
import { afterAll, describe, expect, it } from "bun:test";
import { restartableGateway } from "../cron/gateway-harness.ts";
import { TestSocket } from "../helpers/ws-client.ts";
import { TEST_TOKEN } from "../helpers/gateway.ts";

const state = restartableGateway();
afterAll(() => state.dispose());

async function admin(url: string): Promise<TestSocket> {
  const { sock, res } = await TestSocket.handshake(url, { token: TEST_TOKEN });
  expect(res.ok).toBe(true);
  return sock;
}

describe("cron across a restart", () => {
  it("should keep jobs, disabled ones and run entries, and recompute the next run on start", async () => {
    const first = await state.start();
    let sock = await admin(first.url);
    const { payload: hourly } = await sock.request("cron.add", {
      name: "Hourly", schedule: { kind: "cron", expr: "0 0 * * * *", tz: "Europe/Madrid", staggerMs: 0 }, sessionTarget: "main",
      wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "tick" },
    });
    const { payload: paused } = await sock.request("cron.add", {
      name: "Paused", enabled: false, schedule: { kind: "every", everyMs: 60_000 }, sessionTarget: "isolated",
      payload: { kind: "agentTurn", message: "m" },
    });
    expect((await sock.request("cron.run", { id: hourly.id })).payload).toMatchObject({ ran: true, entry: { status: "ok" } });
    await sock.close();
    await first.stop("restart");

    const second = await state.start();
    sock = await admin(second.url);
    const { payload } = await sock.request("cron.list", { includeDisabled: true });
    const byId = new Map(payload.jobs.map((j: { id: string }) => [j.id, j]));
    expect(byId.get(hourly.id)).toMatchObject({
      name: "Hourly", enabled: true, schedule: hourly.schedule, payload: hourly.payload, createdAtMs: hourly.createdAtMs,
      state: { lastStatus: "ok", runningAtMs: null },
    });
    const next = (byId.get(hourly.id) as { state: { nextRunAtMs: number } }).state.nextRunAtMs;
    expect(next).toBeGreaterThan(Date.now());
    expect(next % 3_600_000).toBe(0); // top of an hour in Madrid is the top of a UTC hour
    expect(byId.get(paused.id)).toMatchObject({ name: "Paused", enabled: false });
    expect((byId.get(paused.id) as { state: object }).state).not.toHaveProperty("nextRunAtMs");
    const runs = await sock.request("cron.runs", { id: hourly.id });
    expect(runs.payload.entries).toHaveLength(1);
    expect(runs.payload.entries[0]).toMatchObject({ jobId: hourly.id, status: "ok", summary: "tick" });
    expect((await sock.request("cron.status")).payload).toMatchObject({ enabled: true, jobs: 2, nextWakeAtMs: next });
    await sock.close();
  });
});
