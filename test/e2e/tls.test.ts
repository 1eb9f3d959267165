/**
 * TLS end to end: a gateway with `gateway.tls.enabled` serves wss:// with a self-signed certificate
 * kept in `<stateDir>/tls/`; clients connect only with the right pin (or --insecure), the certificate
 * survives a restart, `mayros gateway` prints the fingerprint, and plaintext to a remote host is refused.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayClient } from "../../src/cli/client.ts";
import { loadOrCreateIdentity } from "../../src/devices/client-identity.ts";
import { loadConfig } from "../../src/config/index.ts";
import { startGateway } from "../../src/gateway/gateway.ts";
import { fingerprintOf } from "../../src/tls/index.ts";
import { freePort, runCli, spawnCli, type CliProcess } from "../cli/spawn.ts";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { startNodeHost } from "../helpers/node-host.ts";

let gw: TestGateway;
let fingerprint: string;
/** A state dir for CLI runs (their own identity and device tokens). */
let cliDir: string;
beforeAll(async () => {
  gw = await startTestGateway({ gateway: { tls: { enabled: true } } });
  fingerprint = gw.gateway.tlsFingerprint!;
  cliDir = mkdtempSync(join(tmpdir(), "mayros-tls-cli-"));
});
afterAll(async () => {
  await gw?.stop();
  rmSync(cliDir, { recursive: true, force: true });
});

/** The fingerprint with its first byte changed: well-formed, but not the gateway's. */
const wrongPin = () => `${fingerprint.startsWith("00") ? "11" : "00"}${fingerprint.slice(2)}`;
const cli = (...args: string[]) => runCli(args, { stateDir: cliDir });

describe("a TLS gateway", () => {
  it("should listen on wss:// with the self-signed certificate from its state dir", async () => {
    expect(gw.url).toMatch(/^wss:\/\/127\.0\.0\.1:\d+$/);
    const certPem = readFileSync(join(gw.stateDir, "tls", "gateway-cert.pem"), "utf8");
    expect(fingerprint).toBe(fingerprintOf(certPem));
    expect(fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    // Plain HTTP on the TLS port gets no answer a client could use.
    await expect(fetch(gw.url.replace(/^wss:/, "http:") + "/healthz")).rejects.toThrow();
    const healthz = await fetch(gw.url.replace(/^wss:/, "https:") + "/healthz", { tls: { ca: certPem } } as RequestInit);
    expect(await healthz.json()).toMatchObject({ ok: true });
  });

  it("should let a GatewayClient with the right pin connect and call health", async () => {
    const client = await GatewayClient.connect({ url: gw.url, token: gw.token, tlsFingerprint: fingerprint });
    try {
      expect(client.hello.type).toBe("hello-ok");
      expect(await client.request("health")).toMatchObject({ ok: true });
    } finally {
      client.close();
      await client.closed;
    }
    // The pin is accepted in other spellings (lower case, no colons).
    const relaxed = await GatewayClient.connect({ url: gw.url, token: gw.token, tlsFingerprint: fingerprint.replaceAll(":", "").toLowerCase() });
    expect(relaxed.isOpen).toBe(true);
    relaxed.close();
    await relaxed.closed;
  });

  it("should refuse a GatewayClient with a wrong pin or none", async () => {
    await expect(GatewayClient.connect({ url: gw.url, token: gw.token, tlsFingerprint: wrongPin() }))
      .rejects.toThrow(`TLS certificate fingerprint mismatch: expected ${wrongPin()}, got ${fingerprint}`);
    await expect(GatewayClient.connect({ url: gw.url, token: gw.token })).rejects.toThrow("not trusted (self-signed?)");
  });

  it("should run `mayros health` with --tls-fingerprint, refuse a wrong pin or none with exit 1 and a malformed one with exit 2", async () => {
    const [ok, wrong, unpinned, malformed] = await Promise.all([
      cli("health", "--url", gw.url, "--token", gw.token, "--tls-fingerprint", fingerprint),
      cli("health", "--url", gw.url, "--token", gw.token, "--tls-fingerprint", wrongPin()),
      cli("health", "--url", gw.url, "--token", gw.token),
      cli("health", "--url", gw.url, "--token", gw.token, "--tls-fingerprint", "12:34"),
    ]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("health: ok");

    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("TLS certificate fingerprint mismatch");
    expect(wrong.stderr).toContain(`got ${fingerprint}`);
    expect(wrong.stdout).toBe("");

    expect(unpinned.code).toBe(1);
    expect(unpinned.stderr).toContain("not trusted (self-signed?)");
    expect(unpinned.stderr).toContain("--tls-fingerprint");

    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("--tls-fingerprint: expected a SHA-256 fingerprint");
  });

  it("should connect with --insecure and without a pin", async () => {
    const r = await cli("health", "--url", gw.url, "--token", gw.token, "--insecure", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true });
  });

  it("should serve the canvas over https", async () => {
    const certPem = readFileSync(join(gw.stateDir, "tls", "gateway-cert.pem"), "utf8");
    const res = await fetch(gw.url.replace(/^wss:/, "https:") + "/__mayros__/canvas/", { tls: { ca: certPem } } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Hello from your Mayros canvas");
  });

  it("should hand a node an https canvas URL in its hello-ok", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "mayros-tls-node-"));
    const client = await GatewayClient.connect({
      url: gw.url, token: gw.token, tlsFingerprint: fingerprint, identity: loadOrCreateIdentity(stateDir), stateDir,
      role: "node", client: { id: "node-host", mode: "node" }, commands: ["canvas.present"],
    });
    try {
      const url = (client.hello as { pluginSurfaceUrls?: { canvas?: string } }).pluginSurfaceUrls?.canvas;
      expect(url).toStartWith(`${gw.url.replace(/^wss:/, "https:")}/__mayros__/cap/`);
      const certPem = readFileSync(join(gw.stateDir, "tls", "gateway-cert.pem"), "utf8");
      expect((await fetch(`${url}/__mayros__/canvas/`, { tls: { ca: certPem } } as RequestInit)).status).toBe(200);
    } finally {
      client.close();
      await client.closed;
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});

describe("a node host over TLS", () => {
  it("should connect `mayros node run` with --tls-fingerprint and answer an invoke over wss://", async () => {
    const node = await startNodeHost(gw.url, { token: gw.token, allow: ["echo"], extraArgs: ["--tls-fingerprint", fingerprint] });
    const op = await GatewayClient.connect({ url: gw.url, token: gw.token, tlsFingerprint: fingerprint });
    try {
      const res = (await op.request("node.invoke", {
        nodeId: node.nodeId, command: "system.run", params: { argv: ["echo", "over tls"] }, idempotencyKey: crypto.randomUUID(),
      })) as { payload: { stdout: string } };
      expect(res.payload.stdout).toBe("over tls\n");
    } finally {
      op.close();
      await op.closed;
      await node.dispose();
    }
  });

  it("should refuse, with exit 2 and no retry loop, a remote ws:// URL, a malformed pin, or a pin on ws://", async () => {
    const [plain, malformed, pinnedPlain] = await Promise.all([
      cli("node", "run", "--url", "ws://192.0.2.1:1", "--token", "some-token-value"),
      cli("node", "run", "--url", gw.url, "--token", gw.token, "--tls-fingerprint", "not-a-fingerprint"),
      cli("node", "run", "--url", "ws://127.0.0.1:1", "--token", gw.token, "--tls-fingerprint", fingerprint),
    ]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("refusing plaintext ws:// to non-loopback host 192.0.2.1");
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('--tls-fingerprint: expected a SHA-256 fingerprint (64 hex digits, AB:CD:… as `mayros gateway` prints it), got "not-a-fingerprint"');
    expect(pinnedPlain.code).toBe(2);
    expect(pinnedPlain.stderr).toContain("--tls-fingerprint needs a wss:// URL");
  });
});

describe("the certificate across a restart", () => {
  it("should keep the same certificate and fingerprint, so pinned clients still connect", async () => {
    const first = await startTestGateway({ gateway: { tls: { enabled: true } } });
    const before = first.gateway.tlsFingerprint!;
    const certBefore = readFileSync(join(first.stateDir, "tls", "gateway-cert.pem"), "utf8");
    await first.gateway.stop("restart");
    const loaded = loadConfig({ env: { MAYROS_STATE_DIR: first.stateDir }, flags: { token: first.token } });
    loaded.config.gateway.port = 0;
    const again = await startGateway({ loaded, logToStderr: false });
    try {
      expect(again.tlsFingerprint).toBe(before);
      expect(readFileSync(join(first.stateDir, "tls", "gateway-cert.pem"), "utf8")).toBe(certBefore);
      const client = await GatewayClient.connect({ url: again.url, token: first.token, tlsFingerprint: before });
      expect(await client.request("health")).toMatchObject({ ok: true });
      client.close();
      await client.closed;
    } finally {
      await again.stop("done");
      await first.stop();
    }
  });
});

describe("mayros gateway with TLS (process)", () => {
  const spawned: CliProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(spawned.splice(0).map((p) => p.dispose()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("should print the fingerprint and a pinning hint, and let the local CLI pin it from the state dir", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mayros-tls-gw-"));
    dirs.push(dir);
    const port = freePort();
    writeFileSync(join(dir, "mayros.json"), JSON.stringify({ gateway: { port, tls: { enabled: true }, auth: { token: "tls-process-token" } } }));
    const proc = spawnCli(["gateway"], { stateDir: dir });
    spawned.push(proc);
    await proc.waitFor(new RegExp(`listening on wss://127\\.0\\.0\\.1:${port} \\(HTTP https://127\\.0\\.0\\.1:${port}\\)`));
    const [, printed] = await proc.waitFor(/TLS certificate SHA-256 fingerprint: (\S+)\n/);
    expect(printed).toBe(fingerprintOf(readFileSync(join(dir, "tls", "gateway-cert.pem"), "utf8")));
    expect(proc.stdout).toContain(`Remote clients pin it: --url wss://127.0.0.1:${port} --tls-fingerprint ${printed}`);
    expect(proc.stdout).not.toContain("tls-process-token");

    // Without --url the CLI finds the local gateway's certificate itself.
    const local = await runCli(["health"], { stateDir: dir });
    expect(local.stderr).toBe("");
    expect(local.code).toBe(0);
    const pinned = await cli("health", "--url", `wss://127.0.0.1:${port}`, "--token", "tls-process-token", "--tls-fingerprint", printed!);
    expect(pinned.code).toBe(0);

    // So does a node host on this machine.
    const node = spawnCli(["node", "run"], { stateDir: dir });
    spawned.push(node);
    await node.waitFor(new RegExp(`node host connected to wss://127\\.0\\.0\\.1:${port} as [0-9a-f]{64}`));

    node.kill("SIGTERM");
    expect(await node.exited).toBe(0);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  });
});

describe("plaintext to a remote host", () => {
  it("should refuse ws:// to a non-loopback host without --insecure, exit 2, before contacting it", async () => {
    // 192.0.2.1 (TEST-NET-1) never answers: a connection attempt would end in a timeout, exit 1.
    const started = performance.now();
    const r = await cli("health", "--url", "ws://192.0.2.1:1", "--token", "some-token-value", "--timeout", "15000");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("refusing plaintext ws:// to non-loopback host 192.0.2.1");
    expect(r.stderr).toContain("--insecure");
    expect(r.stderr).not.toContain("some-token-value");
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("should allow ws:// to loopback without --insecure", async () => {
    const plain = await startTestGateway();
    try {
      const r = await cli("health", "--url", plain.url, "--token", plain.token);
      expect(r.code).toBe(0);
    } finally {
      await plain.stop();
    }
  });
});
