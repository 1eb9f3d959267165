import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli, spawnCli } from "../cli/spawn.ts";
import { allowlistPath } from "../../src/node-host/allowlist.ts";
import { startFakeGateway, type FakeGateway } from "./fake-gateway.ts";

let stateDir: string;
beforeEach(() => { stateDir = mkdtempSync(join(tmpdir(), "mayros-node-cli-")); });
afterEach(() => rmSync(stateDir, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli(args, { stateDir });
const echo = Bun.which("echo")!;
const readList = () => JSON.parse(readFileSync(allowlistPath(stateDir), "utf8"));

describe("mayros node (help)", () => {
  it("should list the node subcommands and document run's flags", async () => {
    const [group, run, allow, deny, list] = await Promise.all([
      cli("node", "--help"), cli("node", "run", "--help"), cli("node", "allow", "--help"), cli("node", "deny", "--help"), cli("node", "allowlist", "--help"),
    ]);
    for (const r of [group, run, allow, deny, list]) expect(r.code).toBe(0);
    for (const sub of ["run", "allow", "deny", "allowlist"]) expect(group.stdout).toContain(sub);
    for (const flag of ["--url", "--token", "--password", "--display-name", "--json"]) expect(run.stdout).toContain(flag);
    expect(allow.stdout).toContain("<binary>");
    expect(list.stdout).toContain("--json");
  });

  it("should exit 2 for a missing argument or a bad --url", async () => {
    const missing = await cli("node", "allow");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'binary'");
    const badUrl = await cli("node", "run", "--url", "http://127.0.0.1:1");
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/--url: expected ws:\/\/host:port or wss:\/\/host:port/);
  });
});

describe("mayros node allow / deny / allowlist", () => {
  it("should add a binary resolved on PATH, list it, and remove it", async () => {
    const added = await cli("node", "allow", "echo");
    expect(added).toMatchObject({ code: 0, stdout: `allowed ${echo}\n` });
    expect(readList()).toEqual({ version: 1, allow: [echo] });
    expect(statSync(allowlistPath(stateDir)).mode & 0o777).toBe(0o600);
    expect((await cli("node", "allow", echo)).stdout).toBe(`${echo} is already allowed\n`);

    expect(await cli("node", "allowlist")).toMatchObject({ code: 0, stdout: `${echo}\n` });
    const json = await cli("node", "allowlist", "--json");
    expect(JSON.parse(json.stdout)).toEqual({ path: allowlistPath(stateDir), version: 1, allow: [echo] });

    expect(await cli("node", "deny", "echo")).toMatchObject({ code: 0, stdout: `denied ${echo}\n` });
    expect(readList()).toEqual({ version: 1, allow: [] });
    expect((await cli("node", "deny", "echo")).stdout).toBe("echo is not in the allowlist (nothing changed)\n");
    expect((await cli("node", "allowlist")).stdout).toContain("the exec allowlist is empty");
  });

  it("should remove an entry by name even when it is no longer on PATH", async () => {
    mkdirSync(join(stateDir, "node"), { recursive: true });
    writeFileSync(allowlistPath(stateDir), JSON.stringify({ version: 1, allow: ["/opt/gone/mayros-tool", echo] }));
    expect((await cli("node", "deny", "mayros-tool")).stdout).toBe("denied /opt/gone/mayros-tool\n");
    expect(readList()).toEqual({ version: 1, allow: [echo] });
  });

  it("should fail with exit 1 for a binary that is not on PATH", async () => {
    const r = await cli("node", "allow", "mayros-no-such-binary-xyz");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: not found on PATH: mayros-no-such-binary-xyz\n");
  });

  it("should exit 2 for an invalid allowlist file and leave it untouched", async () => {
    mkdirSync(join(stateDir, "node"), { recursive: true });
    writeFileSync(allowlistPath(stateDir), "{not json");
    const list = await cli("node", "allowlist");
    expect(list.code).toBe(2);
    expect(list.stderr).toContain(`${allowlistPath(stateDir)}: not valid JSON`);
    expect((await cli("node", "allow", "echo")).code).toBe(2);
    expect(readFileSync(allowlistPath(stateDir), "utf8")).toBe("{not json");
  });
});

describe("mayros node run", () => {
  let gw: FakeGateway;
  afterEach(async () => { await gw.stop(); });

  it("should connect, print its node id, answer an invoke, and exit 0 on SIGTERM", async () => {
    gw = startFakeGateway();
    expect((await cli("node", "allow", "echo")).code).toBe(0);
    const proc = spawnCli(["node", "run", "--url", gw.url, "--token", "secret-token", "--display-name", "cli-node"], { stateDir });
    try {
      const [, url, nodeId] = await proc.waitFor(/node host connected to (\S+) as ([0-9a-f]{64})\n/);
      expect(url).toBe(gw.url);
      const conn = gw.connections[0]!;
      expect(conn.proofError).toBeNull();
      expect(conn.params?.device?.id).toBe(nodeId);
      expect(conn.params?.client.displayName).toBe("cli-node");

      gw.sendEvent(conn, "node.invoke.request", { id: "cli-1", nodeId: nodeId!, command: "system.run", paramsJSON: JSON.stringify({ argv: ["echo", "from", "cli"] }) });
      const req = await gw.until(() => conn.requests.find((r) => r.method === "node.invoke.result"));
      expect(req.params).toMatchObject({ id: "cli-1", nodeId, ok: true });
      expect(JSON.parse((req.params as { payloadJSON: string }).payloadJSON).stdout).toBe("from cli\n");

      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
      expect(proc.stderr).not.toContain("secret-token");
      expect((await gw.until(() => conn.closed)).code).toBe(1000);
    } finally {
      await proc.dispose();
    }
  });

  it("should use the local gateway from config and state without --url", async () => {
    gw = startFakeGateway();
    const port = new URL(gw.url).port;
    writeFileSync(join(stateDir, "mayros.json"), JSON.stringify({ gateway: { port: Number(port), auth: { token: "config-token" } } }));
    const proc = spawnCli(["node", "run"], { stateDir });
    try {
      const [, url] = await proc.waitFor(/node host connected to (\S+) as /);
      expect(url).toBe(`ws://127.0.0.1:${port}`);
      expect(gw.connections[0]!.params?.auth).toEqual({ token: "config-token" });
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    } finally {
      await proc.dispose();
    }
  });

  it("should print JSON lines with --json", async () => {
    gw = startFakeGateway();
    const proc = spawnCli(["node", "run", "--url", gw.url, "--json"], { stateDir });
    try {
      const [line] = await proc.waitFor(/^\{.*\}\n/m);
      expect(JSON.parse(line!)).toMatchObject({ event: "connected", url: gw.url, nodeId: expect.stringMatching(/^[0-9a-f]{64}$/) });
      proc.kill("SIGINT");
      expect(await proc.exited).toBe(0);
    } finally {
      await proc.dispose();
    }
  });
});
