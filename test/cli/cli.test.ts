import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import pkg from "../../package.json" with { type: "json" };
import { METHODS } from "../../src/protocol/catalog.ts";
import { localCredentials } from "../../src/cli/target.ts";
import { CliError } from "../../src/cli/errors.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { freePort, runCli } from "./spawn.ts";

let gw: TestGateway;
/** An empty state dir for CLI runs (client commands with --url never read it, but must not touch ~/.mayros). */
let stateDir: string;
const extraDirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "mayros-cli-"));
  extraDirs.push(dir);
  return dir;
}

/** Runs the CLI against the in-process gateway's state-less temp dir. */
const cli = (...args: string[]) => runCli(args, { stateDir });
/** `--url`/`--token` of the in-process gateway. */
const target = () => ["--url", gw.url, "--token", gw.token];

beforeAll(async () => {
  gw = await startTestGateway();
  stateDir = mkdtempSync(join(tmpdir(), "mayros-cli-"));
});
afterAll(async () => {
  await gw.stop();
  rmSync(stateDir, { recursive: true, force: true });
});
afterEach(() => {
  for (const dir of extraDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("mayros (help and version)", () => {
  it("should print usage listing every command and exit 0 for --help", async () => {
    const r = await cli("--help");
    expect(r.code).toBe(0);
    for (const command of ["gateway", "health", "status", "call", "token", "protocol", "onboard", "config", "doctor", "service"]) expect(r.stdout).toContain(command);
  });

  it("should document the gateway flags in gateway --help", async () => {
    const r = await cli("gateway", "--help");
    expect(r.code).toBe(0);
    for (const flag of ["--port <n>", "--bind <mode>", "--token <token>", "--password <password>", "--verbose", "--json"]) expect(r.stdout).toContain(flag);
  });

  it("should refuse, on the gateway's fast path, an unknown flag and a missing flag value with exit 2", async () => {
    const [unknown, missing] = await Promise.all([cli("gateway", "--bogus"), cli("gateway", "--port")]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--bogus");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--port");
  });

  it("should document the client flags in --help of every client command", async () => {
    const results = await Promise.all([["health"], ["status"], ["call"]].map((c) => cli(...c, "--help")));
    for (const r of results) {
      expect(r.code).toBe(0);
      for (const flag of ["--url", "--token", "--password", "--json", "--timeout"]) expect(r.stdout).toContain(flag);
    }
    expect(results[2]!.stdout).toContain("--params");
  });

  it("should document token --json, protocol schema and schema --out", async () => {
    const [token, protocol, schema] = await Promise.all([cli("token", "--help"), cli("protocol", "--help"), cli("protocol", "schema", "--help")]);
    expect([token.code, protocol.code, schema.code]).toEqual([0, 0, 0]);
    expect(token.stdout).toContain("--json");
    expect(protocol.stdout).toContain("schema");
    expect(schema.stdout).toContain("--out");
  });

  it("should print the package.json version for --version", async () => {
    const r = await cli("--version");
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split(" ")[0]).toBe(pkg.version);
  });

  it("should print usage and exit 2 without a command", async () => {
    const r = await cli();
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("Usage: mayros");
  });

  it("should exit 2 for an unknown command, an unknown option and a missing argument", async () => {
    const [command, option, argument] = await Promise.all([cli("nope"), cli("health", "--bogus"), cli("call")]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain("unknown command 'nope'");
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--bogus'");
    expect(argument.code).toBe(2);
    expect(argument.stderr).toContain("missing required argument");
  });
});

describe("mayros call", () => {
  it("should print the response payload as JSON and exit 0", async () => {
    const r = await cli("call", "health", ...target());
    expect(r.code).toBe(0);
    const payload = JSON.parse(r.stdout);
    expect(payload.ok).toBe(true);
    expect(payload.defaultAgentId).toBe("main");
  });

  it("should send --params to the gateway", async () => {
    const text = `cli-event-${crypto.randomUUID()}`;
    const r = await cli("call", "system-event", "--params", JSON.stringify({ text }), ...target());
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
    expect(gw.gateway.services.systemEvents).toContain(text);
  });

  it("should exit 2 for --params that is not JSON, without connecting", async () => {
    const r = await cli("call", "health", "--params", "{nope", "--url", "ws://127.0.0.1:1", "--token", "x");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--params: not valid JSON");
  });

  it("should exit 1 with a readable error for an unknown method", async () => {
    const r = await cli("call", "no.such.method", ...target());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no.such.method failed: INVALID_REQUEST: unknown method: no.such.method");
    expect(r.stdout).toBe("");
  });

  it("should exit 1 naming the field for params the method rejects", async () => {
    const r = await cli("call", "system-event", "--params", "{}", ...target());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("invalid system-event params: at /text: is required");
  });
});

describe("mayros health / status", () => {
  it("should print the health snapshot as parseable JSON with --json", async () => {
    const r = await cli("health", "--json", ...target());
    expect(r.code).toBe(0);
    const health = JSON.parse(r.stdout);
    expect(health).toMatchObject({ ok: true, defaultAgentId: "main", channels: {} });
    expect(health.ts).toBeNumber();
    expect(health.agents).toEqual([{ agentId: "main", isDefault: true }]);
  });

  it("should print a readable health summary without --json", async () => {
    const r = await cli("health", ...target());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("health: ok");
    expect(r.stdout).toContain("default agent: main");
  });

  it("should print the status as parseable JSON with --json", async () => {
    const r = await cli("status", "--json", ...target());
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(status.runtimeVersion).toBe(pkg.version);
    expect(status.pid).toBe(process.pid); // the gateway runs in this test process
    expect(status.listen).toEqual({ host: "127.0.0.1", port: gw.gateway.port });
    expect(status.stateDir).toBe(gw.stateDir);
    expect(status.authMode).toBe("token");
    expect(status.protocol).toEqual({ min: 3, max: 4 });
    expect(status.connections.operators).toBeGreaterThanOrEqual(1); // the CLI itself
  });

  it("should print a readable status without --json", async () => {
    const r = await cli("status", ...target());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`pid ${process.pid}`);
    expect(r.stdout).toContain(`listening on 127.0.0.1:${gw.gateway.port}, auth token`);
  });

  it("should exit 1 with unauthorized for a wrong token", async () => {
    const r = await cli("health", "--url", gw.url, "--token", "not-the-token");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot connect to ${gw.url}: unauthorized: gateway token mismatch`);
  });

  it("should exit 1 with a readable message for an unreachable URL", async () => {
    const url = `ws://127.0.0.1:${freePort()}`;
    const r = await cli("health", "--url", url, "--token", "x");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: cannot connect to ${url} (is the gateway running?)\n`);
  });

  it("should give up after --timeout when the server never answers", async () => {
    // A WebSocket server that accepts and then stays silent (no connect.challenge).
    const silent = Bun.serve({
      hostname: "127.0.0.1", port: 0,
      fetch: (req, server) => (server.upgrade(req) ? undefined : new Response("no", { status: 400 })),
      websocket: { message() {} },
    });
    try {
      const url = `ws://127.0.0.1:${silent.port}`;
      const r = await cli("health", "--url", url, "--token", "x", "--timeout", "300");
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`no answer from ${url} within 300 ms`);
    } finally {
      silent.stop(true);
    }
  });

  it("should exit 2 for --timeout abc, --timeout 0 and an http:// --url", async () => {
    const [abc, zero, http] = await Promise.all([
      cli("health", ...target(), "--timeout", "abc"),
      cli("status", ...target(), "--timeout", "0"),
      cli("health", "--url", "http://x.invalid", "--token", "x"),
    ]);
    expect(abc.code).toBe(2);
    expect(abc.stderr).toContain('--timeout: expected a positive number of milliseconds, got "abc"');
    expect(zero.code).toBe(2);
    expect(http.code).toBe(2);
    expect(http.stderr).toContain('got "http://x.invalid"');
    expect(http.stderr).toMatch(/--url: expected ws:\/\/host:port or wss:\/\/host:port/);
  });

  it("should use the local config's port and token when --url is omitted", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "mayros.json"), JSON.stringify({ gateway: { port: gw.gateway.port, auth: { token: gw.token } } }));
    const r = await runCli(["health", "--json"], { stateDir: dir });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).ok).toBe(true);
  });

  it("should not send the local token to an explicit --url", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "mayros.json"), JSON.stringify({ gateway: { port: gw.gateway.port, auth: { token: gw.token } } }));
    const r = await runCli(["health", "--url", gw.url], { stateDir: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unauthorized: gateway token missing");
  });

  it("should exit 2 naming the file when the local config is invalid", async () => {
    const dir = tempDir();
    const configPath = join(dir, "mayros.json");
    writeFileSync(configPath, '{ gateway: { port: "x" } }');
    const r = await runCli(["health"], { stateDir: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${configPath}: gateway.port`);
  });
});

describe("mayros token", () => {
  it("should print MAYROS_GATEWAY_TOKEN, also as JSON", async () => {
    const dir = tempDir();
    const [plain, json] = await Promise.all([
      runCli(["token"], { stateDir: dir, env: { MAYROS_GATEWAY_TOKEN: "env-token-1234" } }),
      runCli(["token", "--json"], { stateDir: dir, env: { MAYROS_GATEWAY_TOKEN: "env-token-1234" } }),
    ]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe("env-token-1234\n");
    expect(JSON.parse(json.stdout)).toEqual({ token: "env-token-1234" });
  });

  it("should exit 1 explaining how to get a token when there is none yet", async () => {
    const dir = tempDir();
    const r = await runCli(["token"], { stateDir: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no gateway token yet");
    expect(existsSync(join(dir, "state.db"))).toBe(false); // reading never creates the database
  });
});

describe("mayros protocol schema", () => {
  it("should write protocol.schema.json and GatewayModels.swift with --out", async () => {
    const out = join(tempDir(), "gen");
    const r = await cli("protocol", "schema", "--out", out);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(join(out, "protocol.schema.json"));
    const schema = JSON.parse(readFileSync(join(out, "protocol.schema.json"), "utf8"));
    expect(schema.title).toBe("Mayros Gateway Protocol");
    const swift = readFileSync(join(out, "GatewayModels.swift"), "utf8");
    expect(swift).toContain("struct");
  });

  it("should print JSON naming every method of the catalog", async () => {
    const r = await cli("protocol", "schema");
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    const text = JSON.stringify(schema);
    for (const method of Object.keys(METHODS)) expect(text).toContain(`"${method}"`);
    for (const method of Object.keys(METHODS).filter((m) => m !== "connect")) expect(Object.keys(schema["x-mayros-methods"])).toContain(method);
  });
});

describe("localCredentials", () => {
  it("should resolve bind tailnet to this host's Tailscale address, not the word tailnet", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "mayros.json"), JSON.stringify({ gateway: { port: 19999, bind: "tailnet", auth: { token: "tok-1234" } } }));
    const tailnet = Object.values(networkInterfaces()).flat().find((i) => {
      const [a, b] = (i?.address ?? "").split(".").map(Number);
      return i?.family === "IPv4" && a === 100 && b !== undefined && b >= 64 && b < 128;
    })?.address;
    if (tailnet) {
      expect(localCredentials({ MAYROS_STATE_DIR: dir }).url).toBe(`ws://${tailnet}:19999`);
    } else {
      expect(() => localCredentials({ MAYROS_STATE_DIR: dir })).toThrow(CliError);
      expect(() => localCredentials({ MAYROS_STATE_DIR: dir })).toThrow(/Tailscale/);
    }
  });

  it("should map loopback and lan binds to 127.0.0.1 and keep an explicit host", () => {
    const dir = tempDir();
    const url = (bind: string) => {
      writeFileSync(join(dir, "mayros.json"), JSON.stringify({ gateway: { port: 19999, bind } }));
      return localCredentials({ MAYROS_STATE_DIR: dir }).url;
    };
    expect(url("loopback")).toBe("ws://127.0.0.1:19999");
    expect(url("lan")).toBe("ws://127.0.0.1:19999");
    expect(url("10.1.2.3")).toBe("ws://10.1.2.3:19999");
    expect(url("::1")).toBe("ws://[::1]:19999");
  });
});
