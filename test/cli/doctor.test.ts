/**
 * `mayros doctor` through the real CLI: a broken config, a world-readable state dir and a weak token are
 * reported and `--fix` repairs the permissions; lock, port, channel and provider checks (`--deep` against
 * loopback fakes only), disk and clock.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { chmodSync, existsSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "bun";
import { secretWeakness } from "../../src/cli/doctor-credentials.ts";
import { checkClock, checkDisk } from "../../src/cli/doctor-local.ts";
import type { ReportedFinding } from "../../src/cli/doctor.ts";
import { freePort, runCli } from "./spawn.ts";
import { useTempDirs } from "./temp-dirs.ts";

const STRONG = "q8Zr2mVx7Lk0pN4sT6wY9bC3dF5gH1jK";
const tempDir = useTempDirs("mayros-doctor-");
function stateDir(config?: string): string {
  const dir = tempDir();
  if (config !== undefined) writeFileSync(join(dir, "mayros.json"), config, { mode: 0o600 });
  return dir;
}

/** Keys from the developer's shell must not decide the outcome. */
const CLEAN_ENV = { ANTHROPIC_API_KEY: "", ANTHROPIC_BASE_URL: "", OPENAI_API_KEY: "", OPENAI_BASE_URL: "", TELEGRAM_BOT_TOKEN: "", SLACK_BOT_TOKEN: "", SLACK_APP_TOKEN: "" };

/** Runs `mayros doctor --json …` on a free port and returns the exit code and findings. */
async function doctor(dir: string, args: string[] = [], env: Record<string, string> = {}) {
  const r = await runCli(["doctor", "--json", ...args], { stateDir: dir, env: { MAYROS_GATEWAY_PORT: String(freePort()), ...CLEAN_ENV, ...env } });
  const out = JSON.parse(r.stdout) as { ok: boolean; findings: ReportedFinding[] };
  const by = (check: string) => out.findings.filter((f) => f.check === check);
  return { code: r.code, stderr: r.stderr, ...out, by, one: (check: string) => by(check)[0]! };
}

/** Loopback model APIs: Anthropic (`/anthropic/v1/models`, x-api-key) and OpenAI-style (`/openai/models`, Bearer), Date header skewed by `skewMs`. */
let api: Server<undefined>;
let skewMs = 0;
beforeAll(() => {
  api = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const { pathname } = new URL(req.url);
      const ok =
        (pathname === "/anthropic/v1/models" && req.headers.get("x-api-key") === "sk-ant-good" && req.headers.get("anthropic-version") === "2023-06-01") ||
        (pathname === "/openai/models" && req.headers.get("authorization") === "Bearer sk-good");
      const date = new Date(Date.now() + skewMs).toUTCString();
      return ok ? Response.json({ data: [] }, { headers: { date } }) : new Response("unauthorized", { status: 401, headers: { date } });
    },
  });
});
afterAll(() => api.stop(true));

describe("mayros doctor", () => {
  it("should report a broken config, a world-readable state dir and a weak token, and --fix the permissions", async () => {
    const dir = stateDir("{ gateway: { port: 'eighty' } }");
    chmodSync(dir, 0o755);
    const env = { MAYROS_GATEWAY_TOKEN: "hunter2" };
    const before = await doctor(dir, [], env);
    expect(before.code).toBe(1);
    expect(before.ok).toBe(false);
    expect(before.stderr).toContain("error: doctor found");
    expect(before.one("config")).toMatchObject({ status: "fail", message: `${join(dir, "mayros.json")}: gateway.port: must be an integer`, hint: expect.stringContaining("mayros config edit") });
    expect(before.one("state-dir")).toMatchObject({ status: "fail", fixable: true, hint: `chmod 700 ${dir}`, message: expect.stringContaining("has mode 755: everyone on this machine can read it") });
    expect(before.one("token")).toMatchObject({ status: "fail", message: "the gateway token (MAYROS_GATEWAY_TOKEN) is weak: it is only 7 characters long (use at least 24)" });

    const fixed = await doctor(dir, ["--fix"], env);
    expect(fixed.one("state-dir")).toMatchObject({ status: "ok", fixed: true });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(fixed.code).toBe(1); // the config and the token still need the user
    expect((await doctor(dir, [], env)).one("state-dir").status).toBe("ok");
  });

  it("should print each problem with its fix hint and a summary", async () => {
    const dir = stateDir(`{ gateway: { auth: { token: "${STRONG}" } } }`);
    chmodSync(join(dir, "mayros.json"), 0o664);
    const r = await runCli(["doctor"], { stateDir: dir, env: { MAYROS_GATEWAY_PORT: String(freePort()), ...CLEAN_ENV, ANTHROPIC_API_KEY: "sk-ant-x" } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL config-file: ${join(dir, "mayros.json")} has mode 664: everyone on this machine can read it and its group can change it, and it can hold tokens and API keys\n     fix: chmod 600 ${join(dir, "mayros.json")}  (mayros doctor --fix does this)\n`);
    expect(r.stdout).toContain("ok   token: the gateway token (gateway.auth.token) looks strong\n");
    expect(r.stdout).toContain("ok   providers: anthropic: API key present (https://api.anthropic.com; --deep tries it)\n");
    expect(r.stdout).toEndWith("\n1 problem(s), 0 warning(s); run mayros doctor --fix to repair 1\n");
    const fixed = await runCli(["doctor", "--fix"], { stateDir: dir, env: { MAYROS_GATEWAY_PORT: String(freePort()), ...CLEAN_ENV, ANTHROPIC_API_KEY: "sk-ant-x" } });
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain(`(fixed: chmod 600 ${join(dir, "mayros.json")})`);
    expect(fixed.stdout).toEndWith("\neverything looks fine; 1 fixed\n");
    expect(statSync(join(dir, "mayros.json")).mode & 0o777).toBe(0o600);
  });

  it("should tell a stale lock (removed by --fix) from a running gateway, and a busy port from ours", async () => {
    const dir = stateDir();
    const dead = Bun.spawn(["true"]);
    await dead.exited;
    writeFileSync(join(dir, "gateway.lock"), JSON.stringify({ pid: dead.pid, port: 1 }));
    const stale = await doctor(dir);
    expect(stale.one("lock")).toMatchObject({ status: "warn", fixable: true, message: `stale ${join(dir, "gateway.lock")} of pid ${dead.pid}, which is not running` });
    expect((await doctor(dir, ["--fix"])).one("lock")).toMatchObject({ status: "ok", fixed: true });
    expect(existsSync(join(dir, "gateway.lock"))).toBe(false);

    // Another program on the port.
    const other = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response() });
    try {
      const busy = await doctor(dir, [], { MAYROS_GATEWAY_PORT: String(other.port) });
      expect(busy.one("port")).toMatchObject({ status: "fail", message: `port ${other.port} on 127.0.0.1 is in use by another program` });
      // The same port held by this state dir's own (live) gateway is fine.
      writeFileSync(join(dir, "gateway.lock"), JSON.stringify({ pid: process.pid, port: other.port }));
      const ours = await doctor(dir, [], { MAYROS_GATEWAY_PORT: String(other.port) });
      expect(ours.one("lock")).toMatchObject({ status: "ok", message: `a gateway is running (pid ${process.pid}, port ${other.port})` });
      expect(ours.one("port")).toMatchObject({ status: "ok", message: `port ${other.port} is this gateway's (pid ${process.pid})` });
    } finally {
      other.stop(true);
    }
  });

  it("should name channel accounts whose credentials are missing", async () => {
    const dir = stateDir(JSON.stringify({ channels: { telegram: { dmPolicy: "open" }, slack: { botToken: "xoxb-1" }, discord: { enabled: false } } }));
    const r = await doctor(dir);
    expect(r.by("channels").map((f) => [f.status, f.message])).toEqual([
      ["fail", "channels.telegram: credentials missing: needs botToken (or TELEGRAM_BOT_TOKEN; webhook mode also webhookSecret)"],
      ["ok", "channels.discord: disabled"],
      ["fail", "channels.slack: credentials missing: needs botToken plus appToken (socket mode) or signingSecret (http mode)"],
    ]);
    const withEnv = await doctor(dir, [], { TELEGRAM_BOT_TOKEN: "123:abc", SLACK_APP_TOKEN: "xapp-1" });
    expect(withEnv.by("channels").every((f) => f.status === "ok")).toBe(true);
  });

  it("should check provider keys, and with --deep ask each provider (loopback fakes) and compare clocks", async () => {
    const anthropic = `http://127.0.0.1:${api.port}/anthropic`;
    const dir = stateDir();
    expect((await doctor(dir)).one("providers")).toMatchObject({ status: "fail", message: "anthropic: no API key (models.providers.anthropic.apiKey or ANTHROPIC_API_KEY)" });
    const good = await doctor(dir, ["--deep"], { ANTHROPIC_API_KEY: "sk-ant-good", ANTHROPIC_BASE_URL: anthropic });
    expect(good.one("providers")).toMatchObject({ status: "ok", message: expect.stringMatching(new RegExp(`^anthropic: the key works \\(127\\.0\\.0\\.1:${api.port} answered in \\d+ ms\\)$`)) });
    expect(good.one("clock")).toMatchObject({ status: "ok", message: expect.stringContaining(`(within a minute of 127.0.0.1:${api.port})`) });
    const bad = await doctor(dir, ["--deep"], { ANTHROPIC_API_KEY: "sk-ant-bad", ANTHROPIC_BASE_URL: anthropic });
    expect(bad.one("providers")).toMatchObject({ status: "fail", message: `anthropic: 127.0.0.1:${api.port} rejected the API key (HTTP 401)` });
    const down = await doctor(dir, ["--deep"], { ANTHROPIC_API_KEY: "sk-ant-good", ANTHROPIC_BASE_URL: `http://127.0.0.1:${freePort()}` });
    expect(down.one("providers")).toMatchObject({ status: "fail", message: expect.stringContaining("is unreachable") });
    skewMs = -3600_000;
    try {
      const skewed = await doctor(dir, ["--deep"], { ANTHROPIC_API_KEY: "sk-ant-good", ANTHROPIC_BASE_URL: anthropic });
      expect(skewed.one("clock")).toMatchObject({ status: "warn", message: expect.stringMatching(new RegExp(`^the clock is 36\\d\\d s ahead of 127\\.0\\.0\\.1:${api.port}$`)) });
    } finally {
      skewMs = 0;
    }
    // An OpenAI-compatible provider from the config, asked with its Bearer key.
    const openai = stateDir(JSON.stringify({
      models: { providers: { local: { baseUrl: `http://127.0.0.1:${api.port}/openai`, apiKey: "sk-good" } } },
      agents: { defaults: { model: { primary: "local/llama3" } } },
    }));
    expect((await doctor(openai, ["--deep"])).one("providers")).toMatchObject({ status: "ok", message: expect.stringContaining("local: the key works") });
  });

  it("should document --fix, --deep and --json", async () => {
    const r = await runCli(["doctor", "--help"], { stateDir: stateDir() });
    for (const flag of ["--fix", "--deep", "--json"]) expect(r.stdout).toContain(flag);
  });
});

describe("doctor checks", () => {
  it("should call random-looking secrets strong and short, repetitive or wordy ones weak", () => {
    expect(secretWeakness(STRONG)).toBeUndefined();
    expect(secretWeakness("a".repeat(40))).toBe("it uses only 1 different characters");
    expect(secretWeakness("my-mayros-gateway-is-great-2026")).toBe('it contains the common word "mayros"');
    expect(secretWeakness("short")).toBe("it is only 5 characters long (use at least 24)");
  });

  it("should fail a clock from before 2025 and report free disk space", () => {
    const paths = { stateDir: join(tmpdir(), "no-such-mayros-dir", "state"), configPath: "/dev/null" };
    expect(checkClock({ paths, env: {}, now: () => Date.UTC(2020, 0, 1) })).toMatchObject({ status: "fail", message: "the system clock says 2020-01-01T00:00:00.000Z" });
    expect(checkClock({ paths, env: {}, now: Date.now }).status).toBe("ok");
    expect(checkDisk({ paths, env: {}, now: Date.now })).toMatchObject({ message: expect.stringMatching(new RegExp(`^[\\d.]+ (GiB|MiB) free on the file system of ${tmpdir()}$`)) });
  });
});
