import { afterEach, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TestSocket } from "../helpers/ws-client.ts";
import { freePort, runCli, spawnCli, type CliProcess } from "../cli/spawn.ts";

const spawned: CliProcess[] = [];
const dirs: string[] = [];

function stateDir(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), "mayros-e2e-"));
  dirs.push(dir);
  if (config !== undefined) writeFileSync(join(dir, "mayros.json"), typeof config === "string" ? config : JSON.stringify(config));
  return dir;
}

/** Starts `mayros gateway <args>` and waits for its "listening on ws://127.0.0.1:PORT" line. */
async function startGatewayProcess(dir: string, args: string[], env: Record<string, string> = {}): Promise<{ proc: CliProcess; url: string; port: number }> {
  const proc = spawnCli(["gateway", ...args], { stateDir: dir, env });
  spawned.push(proc);
  const m = await proc.waitFor(/listening on (ws:\/\/127\.0\.0\.1:(\d+))/);
  return { proc, url: m[1]!, port: Number(m[2]) };
}

/** Sends SIGTERM and returns the exit code. */
async function terminate(proc: CliProcess): Promise<number> {
  proc.kill("SIGTERM");
  return proc.exited;
}

afterEach(async () => {
  await Promise.all(spawned.splice(0).map((p) => p.dispose()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("mayros gateway (process)", () => {
  it("should serve, refuse a second gateway on the same state dir, and take over a stale lock", async () => {
    const dir = stateDir();
    const [p1, p2, p3] = [freePort(), freePort(), freePort()];
    const first = await startGatewayProcess(dir, ["--port", String(p1), "--token", "lock-test-token"]);
    expect(first.url).toBe(`ws://127.0.0.1:${p1}`);

    const healthz = await fetch(`http://127.0.0.1:${p1}/healthz`);
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toMatchObject({ ok: true, status: "serving" });
    expect(JSON.parse(readFileSync(join(dir, "gateway.lock"), "utf8")).pid).toBe(first.proc.pid);

    const second = spawnCli(["gateway", "--port", String(p2), "--token", "lock-test-token"], { stateDir: dir });
    spawned.push(second);
    expect(await second.exited).toBe(1);
    expect(second.stderr).toContain("another gateway");
    expect(second.stderr).toContain(`pid ${first.proc.pid}`);
    expect(second.stdout).not.toContain("listening");

    const stillServing = await fetch(`http://127.0.0.1:${p1}/healthz`);
    expect(stillServing.status).toBe(200);

    first.proc.kill("SIGKILL");
    await first.proc.exited;
    // The lock file survives a SIGKILL and names the dead process.
    expect(JSON.parse(readFileSync(join(dir, "gateway.lock"), "utf8")).pid).toBe(first.proc.pid);

    const third = await startGatewayProcess(dir, ["--port", String(p3), "--token", "lock-test-token"]);
    expect(third.port).toBe(p3);
    expect(JSON.parse(readFileSync(join(dir, "gateway.lock"), "utf8")).pid).toBe(third.proc.pid);
    expect((await fetch(`http://127.0.0.1:${p3}/healthz`)).status).toBe(200);
    expect(await terminate(third.proc)).toBe(0);
    expect(existsSync(join(dir, "gateway.lock"))).toBe(false);
  });

  it("should exit 2 naming the file and gateway.port for an invalid config value", async () => {
    const dir = stateDir('{gateway:{port:"x"}}');
    const r = await runCli(["gateway", "--token", "cfg-test-token"], { stateDir: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, "mayros.json")}: gateway.port`);
    expect(r.stdout).not.toContain("listening");
    expect(existsSync(join(dir, "gateway.lock"))).toBe(false);
  });

  it("should exit 2 naming the file, line and column for a JSON5 syntax error", async () => {
    const dir = stateDir("{\n  gateway: {\n    port: 1234,,\n  }\n}\n");
    const r = await runCli(["gateway", "--token", "cfg-test-token"], { stateDir: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, "mayros.json")}: line 3, column 16`);
    expect(existsSync(join(dir, "gateway.lock"))).toBe(false);
  });

  it("should send shutdown then close 1012 to a connected client on SIGTERM and exit 0", async () => {
    const dir = stateDir();
    const gw = await startGatewayProcess(dir, ["--port", String(freePort()), "--token", "sigterm-token"]);
    const { sock, res } = await TestSocket.handshake(gw.url, { token: "sigterm-token" });
    expect(res.ok).toBe(true);

    gw.proc.kill("SIGTERM");
    const shutdown = await sock.nextEvent("shutdown");
    expect(shutdown.payload.reason).toContain("SIGTERM");
    const closed = await sock.closed;
    expect(closed.code).toBe(1012);
    expect(sock.received.at(-1)).toMatchObject({ type: "event", event: "shutdown" }); // nothing after it
    expect(await gw.proc.exited).toBe(0);
    expect(existsSync(join(dir, "gateway.lock"))).toBe(false);
    expect(readFileSync(join(dir, "logs", "gateway.log"), "utf8")).toContain('"msg":"gateway stopped"');
  });

  it("should generate a token on first start, show it once, and let local clients use it", async () => {
    const port = freePort();
    const dir = stateDir({ gateway: { port } });

    const first = await startGatewayProcess(dir, []);
    const token = (await first.proc.waitFor(/generated and stored \(shown once\): (\S+)/))[1]!;
    expect(token.length).toBeGreaterThanOrEqual(32);
    expect(first.proc.stdout.split(token).length - 1).toBe(1);
    expect(first.proc.stderr).not.toContain(token);

    const printed = await runCli(["token"], { stateDir: dir });
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(`${token}\n`);
    expect(await terminate(first.proc)).toBe(0);

    const second = await startGatewayProcess(dir, []);
    expect(second.port).toBe(port);
    expect(second.proc.stdout).not.toContain(token);
    expect(second.proc.stdout).not.toContain("generated");

    const health = await runCli(["health"], { stateDir: dir }); // no --url: local config + stored token
    expect(health.code).toBe(0);
    expect(health.stdout).toContain("health: ok");
    const again = await runCli(["token"], { stateDir: dir });
    expect(again.stdout).toBe(`${token}\n`);
    expect(await terminate(second.proc)).toBe(0);
    expect(readFileSync(join(dir, "logs", "gateway.log"), "utf8")).not.toContain(token);
  });
});

describe("mayros gateway secrets (process)", () => {
  /** Exercises the gateway with the right and a wrong secret, then stops it; returns every text it wrote. */
  async function exercise(dir: string, gw: { proc: CliProcess; url: string }, good: { token?: string; password?: string }, bad: { token?: string; password?: string }, secret: string) {
    const { sock, res } = await TestSocket.handshake(gw.url, good);
    expect(res.ok).toBe(true);
    const rejected = await TestSocket.handshake(gw.url, bad);
    expect(rejected.res.ok).toBe(false);
    expect(rejected.res.error.message).toContain("unauthorized");
    await rejected.sock.closed;

    expect((await sock.request("health")).ok).toBe(true);
    expect((await sock.request("config.get")).ok).toBe(true);
    const tail = await sock.request("logs.tail", { limit: 50 });
    expect(tail.ok).toBe(true);
    expect(tail.payload.lines.join("\n")).not.toContain(secret);

    const flag = good.token !== undefined ? ["--token", good.token] : ["--password", good.password!];
    const status = await runCli(["status", "--json", "--url", gw.url, ...flag], { stateDir: dir });
    expect(status.code).toBe(0);
    expect(status.stdout + status.stderr).not.toContain(secret);

    await sock.close();
    expect(await terminate(gw.proc)).toBe(0);
    return { log: readFileSync(join(dir, "logs", "gateway.log"), "utf8"), stdout: gw.proc.stdout, stderr: gw.proc.stderr };
  }

  function expectRecords(log: string): void {
    const records = log.trim().split("\n").map((line) => JSON.parse(line) as { msg: string; level: string });
    const messages = records.map((r) => r.msg);
    for (const msg of ["gateway listening", "client connected", "handshake rejected", "client disconnected", "gateway stopped"]) expect(messages).toContain(msg);
    expect(records.some((r) => r.level === "debug" && r.msg === "frame in")).toBe(true); // --verbose took effect
  }

  it("should never write the --token to the log file, stdout or stderr", async () => {
    const secret = "tok-Secret-9f8e7d6c5b4a";
    const dir = stateDir();
    const gw = await startGatewayProcess(dir, ["--port", String(freePort()), "--token", secret, "--verbose"]);
    const out = await exercise(dir, gw, { token: secret }, { token: `${secret}-wrong` }, secret);
    expectRecords(out.log);
    for (const text of [out.log, out.stdout, out.stderr]) expect(text).not.toContain(secret);
    expect(out.stderr).toContain("client connected"); // stderr really carried the log
  });

  it("should never write MAYROS_GATEWAY_PASSWORD to the log file, stdout or stderr", async () => {
    const secret = "pw-Secret-\"quoted\"-1a2b3c";
    const dir = stateDir();
    const gw = await startGatewayProcess(dir, ["--port", String(freePort()), "--verbose"], { MAYROS_GATEWAY_PASSWORD: secret });
    expect(gw.proc.stdout).toContain("Auth mode: password");
    const out = await exercise(dir, gw, { password: secret }, { password: "wrong-password" }, secret);
    expectRecords(out.log);
    const escaped = JSON.stringify(secret).slice(1, -1);
    for (const text of [out.log, out.stdout, out.stderr]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(escaped);
    }
  });
});
