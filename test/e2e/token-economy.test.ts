/**
 * @module The Token Economy plugin in a running gateway with the fake model: usage accrues the catalog's USD for a
 * dated model id; the warning note reaches the model's prompt at the threshold; in hard mode the first tool call
 * past the grace count is blocked and the model reads why; totals and runtime limits survive a gateway restart;
 * `mayros budget` shows and changes the running gateway's numbers; with a fake clock (the real plugin registered
 * with an injected clock) the day and the month roll over at midnight of the configured zone.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { agentConfig, lastUserText, startAgentHarness, startAgentRun, startFake, toolResults, type AgentHarness } from "../helpers/agent.ts";
import { startChannelGateway, type ChannelHarness } from "../channels/gateway-harness.ts";
import { startTestGateway, TEST_TOKEN } from "../helpers/gateway.ts";
import type { TestSocket } from "../helpers/ws-client.ts";
import type { SseFake } from "../fakes/sse-fake-server.ts";
import { runCli } from "../cli/spawn.ts";
import { clockedPluginDir, fakeClock } from "../extensions/token-economy/fake-clock.ts";

/** A dated id the catalog prices by its family, claude-sonnet-4-5 ($3 / $15 / $0.30 / $3.75 per 1M tokens). */
const MODEL = "claude-sonnet-4-5-20250929";
const BIG = { input: 100_000, output: 20_000, cacheRead: 50_000, cacheWrite: 10_000 };
const BIG_USD = 0.3 + 0.3 + 0.015 + 0.0375;
const KEY = "agent:main:budget";

/** Gateway config sections enabling the plugin with `config` and pointing the agent at the dated model. */
function withEconomy(config: Record<string, unknown>): Record<string, unknown> {
  return { plugins: { entries: { "token-economy": { enabled: true, config } } }, agents: { defaults: { model: { primary: `anthropic/${MODEL}` } } } };
}

let runs = 0;
/** Runs one agent turn in session `KEY` and waits for its final answer. */
async function run(sock: TestSocket, message: string): Promise<void> {
  const id = `budget-${++runs}`;
  const { final } = await startAgentRun(sock, { message, sessionKey: KEY, idempotencyKey: id }, `req-${id}`);
  expect((await final).payload.status).toBe("ok");
}

describe("token economy in a running gateway (soft)", () => {
  let h: AgentHarness;
  let sock: TestSocket;
  beforeAll(async () => {
    h = await startAgentHarness("anthropic", withEconomy({ dailyLimitUsd: 0.8 }));
    sock = await h.connect();
  });
  afterAll(() => h?.stop());

  it("should accrue the catalog's USD for the model's real usage in the session, the day and the month", async () => {
    h.fake.script({ text: ["One."], usage: BIG });
    await run(sock, "first");
    expect(lastUserText(h.fake.requests[0]!.body)).toMatch(/^\[[^\]]+ UTC\] first$/); // no note below the threshold
    const status = (await sock.request("usage.status", { sessionKey: KEY })).payload;
    for (const scope of ["session", "daily", "monthly"]) {
      expect(status[scope]).toMatchObject({ calls: 1, tokens: BIG });
      expect(status[scope].costUsd).toBeCloseTo(BIG_USD, 10);
    }
    expect(status).toMatchObject({ level: "warn", limits: { session: null, daily: 0.8, monthly: null }, timeZone: "UTC" });
    const cost = (await sock.request("usage.cost", {})).payload;
    const row = { provider: "anthropic", model: MODEL, displayName: "Claude Sonnet 4.5", priced: true, calls: 1, tokens: BIG };
    expect(cost.models).toEqual([expect.objectContaining({ scope: "daily", ...row }), expect.objectContaining({ scope: "monthly", ...row })]);
  });

  it("should put the warning note before the user's message once the threshold is reached", async () => {
    h.fake.script({ text: ["Two."] });
    await run(sock, "second");
    expect(lastUserText(h.fake.requests[1]!.body)).toMatch(/^\[Budget warning: 82% of the \$0\.80 daily limit used\.\]\n\n\[[^\]]+\] second$/);
  });

  it("should let readers see usage but only admins change budgets", async () => {
    const reader = await h.connect({ scopes: ["operator.read"] });
    expect((await reader.request("usage.cost", {})).ok).toBe(true);
    const denied = await reader.request("budget.set", { scope: "daily", limitUsd: 5 });
    expect(denied.ok).toBe(false);
    const bad = await sock.request("budget.set", { scope: "daily", limitUsd: 0 });
    expect(bad.error.message).toContain("/limitUsd");
  });
});

describe("token economy in a running gateway (hard)", () => {
  let h: AgentHarness;
  let sock: TestSocket;
  beforeAll(async () => {
    h = await startAgentHarness("anthropic", withEconomy({ sessionLimitUsd: 0.5, enforcement: "hard" }));
    sock = await h.connect();
  });
  afterAll(() => h?.stop());

  it("should block the first tool call past the grace count, the model reading the reason", async () => {
    const calls = ["c1", "c2", "c3", "c4"].map((id) => ({ id, name: "budget_status", args: ["{}"] }));
    h.fake.script({ toolCalls: calls, usage: BIG }, { text: ["Stopping."] });
    await run(sock, "spend");
    const results = toolResults(h.fake.requests[1]!.body);
    for (const id of ["c1", "c2", "c3"]) expect(results[id]).toMatchObject({ isError: false, text: expect.stringContaining("Budget: EXCEEDED (hard enforcement") });
    expect(results.c4).toEqual({
      isError: true,
      text: "blocked: token budget exceeded ($0.6525 of the $0.50 session limit) and the 3 grace tool call(s) are used up. Do not call tools: summarize for the user and end.",
    });
    expect((await sock.request("usage.status", { sessionKey: KEY })).payload).toMatchObject({ level: "exceeded", graceUsed: 4 });
  });

  it("should tell the model to stop on its next turn", async () => {
    h.fake.script({ text: ["Summary."] });
    await run(sock, "more");
    // The session also paid the default usage of the second model call of the last run.
    expect(lastUserText(h.fake.requests[2]!.body)).toMatch(/^\[Budget exceeded: \$0\.65\d\d of the \$0\.50 session limit used \(131%\)\. STOP: do not call tools; summarize and end\. Grace: 0 tool call\(s\) left before calls are blocked\.\]\n\n\[[^\]]+\] more$/);
  });
});

describe("token economy across a gateway restart, and mayros budget", () => {
  let stateDir: string;
  let fake: SseFake;
  let gw: ChannelHarness | undefined;
  const start = async () => (gw = await startChannelGateway(agentConfig("anthropic", fake.url, withEconomy({ dailyLimitUsd: 5 })), {}, { stateDir }));
  const cli = (...args: string[]) => runCli(["budget", ...args, "--url", gw!.gateway.url, "--token", TEST_TOKEN], { stateDir });

  beforeAll(() => {
    stateDir = mkdtempSync(join(tmpdir(), "mayros-economy-e2e-"));
    fake = startFake("anthropic");
  });
  afterAll(async () => {
    await gw?.stop();
    await fake.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("should keep totals and limits set at runtime after a restart", async () => {
    await start();
    fake.script({ text: ["Spent."], usage: BIG });
    await run(gw!.admin, "spend");
    expect((await gw!.admin.request("budget.set", { scope: "monthly", limitUsd: 40 })).ok).toBe(true);
    await gw!.stop();
    await start();
    const status = (await gw!.admin.request("usage.status", { sessionKey: KEY })).payload;
    expect(status.limits).toEqual({ session: null, daily: 5, monthly: 40 });
    expect(status.daily.costUsd).toBeCloseTo(BIG_USD, 10);
    expect(status.session.costUsd).toBeCloseTo(BIG_USD, 10);
  });

  it("should show the gateway's numbers with mayros budget status", async () => {
    const json = await cli("status", "--json");
    expect({ code: json.code, stderr: json.stderr }).toEqual({ code: 0, stderr: "" });
    const status = (await gw!.admin.request("usage.status", {})).payload;
    expect(JSON.parse(json.stdout)).toEqual(status);
    const human = await cli("status", "--session", KEY);
    expect(human.stdout).toContain("Budget: OK (soft enforcement, warn at 80%, time zone UTC)");
    expect(human.stdout).toMatch(/daily\s+\d{4}-\d{2}-\d{2}\s+\$0\.6525\s+\$5\.00\s+13%\s+ok/);
    expect(human.stdout).toMatch(/session\s+agent:main:budget\s+\$0\.6525\s+none/);
  });

  it("should change the gateway's budget with mayros budget set and reset, refusing a bad scope", async () => {
    expect((await cli("set", "daily", "2.5")).stdout).toBe("The daily limit is now $2.50.\n");
    expect((await gw!.admin.request("usage.status", {})).payload.limits.daily).toBe(2.5);
    const bad = await cli("set", "weekly", "1");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('scope must be one of session, daily, monthly (got "weekly")');
    expect((await cli("reset", "daily")).code).toBe(0);
    const after = (await gw!.admin.request("usage.status", { sessionKey: KEY })).payload;
    expect([after.daily.costUsd, after.monthly.costUsd > 0]).toEqual([0, true]);
  });

  it("should list models and prices from the gateway", async () => {
    const models = await cli("models", "--session", KEY);
    expect(models.stdout).toMatch(new RegExp(`session\\s+${KEY}\\s+anthropic/${MODEL}\\s+1\\s+100000\\s+20000\\s+50000\\s+10000\\s+\\$0\\.6525`));
    const pricing = JSON.parse((await cli("pricing", "--json")).stdout);
    expect(pricing.models).toContainEqual(expect.objectContaining({ provider: "anthropic", model: "claude-sonnet-4-5", input: 3, output: 15, source: "catalog" }));
  });
});

describe("token economy rollover in a running gateway (fake clock)", () => {
  let h: AgentHarness;
  let sock: TestSocket;
  let dir: string;
  beforeAll(async () => {
    dir = clockedPluginDir();
    fakeClock.now = Date.parse("2025-01-31T22:30:00Z"); // 23:30 on Jan 31 in Madrid
    const { plugins, ...rest } = withEconomy({ timeZone: "Europe/Madrid" }) as { plugins: Record<string, unknown> };
    h = await startAgentHarness("anthropic", { ...rest, plugins: { ...plugins, load: { paths: [dir] } } });
    sock = await h.connect();
  });
  afterAll(async () => {
    await h?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should start a new day and month at local midnight, the session keeping its total", async () => {
    h.fake.script({ text: ["Late."], usage: BIG });
    await run(sock, "late");
    const before = (await sock.request("usage.status", { sessionKey: KEY })).payload;
    expect([before.daily.period, before.monthly.period, before.daily.calls]).toEqual(["2025-01-31", "2025-01", 1]);
    fakeClock.now = Date.parse("2025-01-31T23:30:00Z"); // 00:30 on Feb 1 in Madrid, still Jan 31 in UTC
    h.fake.script({ text: ["Early."], usage: { input: 1_000_000, output: 0 } });
    await run(sock, "early");
    const after = (await sock.request("usage.status", { sessionKey: KEY })).payload;
    expect([after.daily.period, after.daily.costUsd, after.monthly.period, after.monthly.costUsd]).toEqual(["2025-02-01", 3, "2025-02", 3]);
    expect(after.session.costUsd).toBeCloseTo(BIG_USD + 3, 10);
  });
});

describe("token economy with a bad time zone", () => {
  it("should not load, naming the field", async () => {
    const gw = await startTestGateway(withEconomy({ timeZone: "Mars/Olympus" }));
    try {
      const record = gw.gateway.services.plugins!.records.find((r) => r.id === "token-economy")!;
      expect(record).toMatchObject({ status: "error", reason: 'plugins.entries.token-economy.config.timeZone: unknown IANA time zone "Mars/Olympus"' });
    } finally {
      await gw.stop();
    }
  });
});
