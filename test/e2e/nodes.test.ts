/**
 * Nodes end to end: a real `mayros node run` subprocess answers `node.invoke` from an operator
 * (allowlisted `system.run`, the node's own refusal, the gateway's refusals, a node lost mid-invoke,
 * a timeout), and nodes get their canvas URL in `hello-ok` on v3 and v4.
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestGateway, type TestGateway } from "../helpers/gateway.ts";
import { deviceConnect, newIdentity } from "../helpers/devices.ts";
import { startNodeHost, waitForFile, type NodeHostProcess } from "../helpers/node-host.ts";
import { TestSocket, type Frame } from "../helpers/ws-client.ts";

let gw: TestGateway;
let op: TestSocket;
let node: NodeHostProcess;
let presence: Promise<Frame>;

beforeAll(async () => {
  // system.which is a default Linux node command: deny it, so the node declares a command the gateway refuses.
  gw = await startTestGateway({ gateway: { nodes: { denyCommands: ["system.which"] } } });
  op = (await TestSocket.handshake(gw.url, { token: gw.token, scopes: ["operator.admin"] })).sock;
  presence = op.next((f) => f.event === "presence" && f.payload.presence.some((p: Frame) => p.roles?.includes("node")), 15_000);
  presence.catch(() => {}); // awaited (and reported) by the first test
  node = await startNodeHost(gw.url, { token: gw.token, allow: ["echo", "sleep"], displayName: "e2e-node" });
});
afterAll(async () => {
  await node?.dispose();
  await op?.close();
  await gw?.stop();
});

const invoke = (nodeId: string, command: string, params?: unknown, timeoutMs?: number) =>
  op.request("node.invoke", {
    nodeId, command, ...(params !== undefined && { params }), ...(timeoutMs !== undefined && { timeoutMs }), idempotencyKey: crypto.randomUUID(),
  });

describe("a real node host (mayros node run)", () => {
  it("should show up in presence and node.list with the commands the gateway allows", async () => {
    const event = await presence;
    expect(event.payload.presence.find((p: Frame) => p.roles?.includes("node")).text).toContain("e2e-node");
    const list = await op.request("node.list");
    expect(list.ok).toBe(true);
    const entry = list.payload.nodes.find((n: Frame) => n.nodeId === node.nodeId);
    expect(entry).toMatchObject({ displayName: "e2e-node", platform: process.platform, connected: true, paired: true, caps: ["system"] });
    // Declared system.run, system.which, system.notify; system.which is denied by the config.
    expect(entry.commands).toEqual(["system.run", "system.notify"]);
  });

  it("should run an allowlisted binary and return its stdout", async () => {
    const res = await invoke(node.nodeId, "system.run", { argv: ["echo", "hi"] });
    expect(res.ok).toBe(true);
    expect(res.payload).toMatchObject({ ok: true, nodeId: node.nodeId, command: "system.run" });
    expect(res.payload.payload).toMatchObject({ exitCode: 0, stdout: "hi\n", stderr: "", timedOut: false, truncated: false });
  });

  it("should surface the node's EXEC_NOT_ALLOWED for a binary missing from its allowlist", async () => {
    const res = await invoke(node.nodeId, "system.run", { argv: ["ls", "/"] });
    expect(res.ok).toBe(false);
    expect(res.error.code).toBe("UNAVAILABLE");
    expect(res.error.message).toContain("command not allowed on this node");
    expect(res.error.details.nodeError.code).toBe("EXEC_NOT_ALLOWED");
    expect(res.error.details.nodeError.message).toContain(`mayros node allow ${Bun.which("ls")}`);
  });

  it("should refuse, at the gateway, a command the node did not declare and one the gateway does not allow", async () => {
    const undeclared = await invoke(node.nodeId, "camera.snap", {});
    expect(undeclared.error).toMatchObject({ code: "INVALID_REQUEST", message: `node ${node.nodeId} did not declare command: camera.snap` });
    const denied = await invoke(node.nodeId, "system.which", { name: "echo" });
    expect(denied.error.code).toBe("INVALID_REQUEST");
    expect(denied.error.message).toContain("command not allowed by the gateway: system.which");
    // Neither reached the node, which logs every invoke it answers (the ones above are there).
    await node.proc.waitFor(/invoke id=\S+ command=system\.run ok=false code=EXEC_NOT_ALLOWED/, "stderr");
    expect(node.proc.stderr).not.toContain("camera.snap");
    expect(node.proc.stderr).not.toContain("system.which");
  });

  it("should answer NOT_LINKED for a node that is not connected", async () => {
    const res = await invoke("0".repeat(64), "system.run", { argv: ["echo", "hi"] });
    expect(res.error.code).toBe("NOT_LINKED");
  });

  it("should fail a timed-out invoke with AGENT_TIMEOUT and keep the node usable", async () => {
    const started = performance.now();
    const res = await invoke(node.nodeId, "system.run", { argv: ["sleep", "5"] }, 300);
    const elapsed = performance.now() - started;
    expect(res.error.code).toBe("AGENT_TIMEOUT");
    expect(res.error.retryable).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(5000);
    const after = await invoke(node.nodeId, "system.run", { argv: ["echo", "still here"] });
    expect(after.payload.payload.stdout).toBe("still here\n");
  });
});

describe("a node lost mid-invoke", () => {
  it("should fail the pending invoke at once with UNAVAILABLE when the node process dies", async () => {
    const lost = await startNodeHost(gw.url, { token: gw.token, allow: ["sh"], displayName: "doomed-node" });
    const dir = mkdtempSync(join(tmpdir(), "mayros-pid-"));
    const pidFile = join(dir, "pid");
    let childPid: number | undefined;
    try {
      // The child reports its pid (then becomes `sleep 30`), so the test knows it runs and can end it.
      const pending = invoke(lost.nodeId, "system.run", { argv: ["sh", "-c", `echo $$ > ${pidFile}.tmp && mv ${pidFile}.tmp ${pidFile} && exec sleep 30`] }, 20_000);
      childPid = Number((await waitForFile(pidFile)).trim());
      expect(childPid).toBeGreaterThan(0);
      const killedAt = performance.now();
      lost.proc.kill("SIGKILL");
      const res = await pending;
      expect(performance.now() - killedAt).toBeLessThan(5000);
      expect(res.error).toMatchObject({ code: "UNAVAILABLE", message: "system.run failed: node disconnected", retryable: true });
      const entry = (await op.request("node.list")).payload.nodes.find((n: Frame) => n.nodeId === lost.nodeId);
      expect(entry).toMatchObject({ connected: false, paired: true });
      const again = await invoke(lost.nodeId, "system.run", { argv: ["sh", "-c", "true"] });
      expect(again.error.code).toBe("NOT_LINKED");
    } finally {
      // The node host started the child in its own process group; it outlives a SIGKILLed host.
      if (childPid) try { process.kill(childPid, "SIGKILL"); } catch { /* already gone */ }
      await lost.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("results from a hand-driven node", () => {
  /** A signed node connection that declares system.run and answers invokes by hand. */
  async function fakeNode(): Promise<{ sock: TestSocket; nodeId: string }> {
    const identity = newIdentity();
    const { sock, res } = await deviceConnect(gw.url, { identity, token: gw.token, role: "node", commands: ["system.run"] });
    expect(res.ok).toBe(true);
    return { sock, nodeId: identity.deviceId };
  }

  it("should pass a node's payloadJSON through as the invoke payload", async () => {
    const fake = await fakeNode();
    try {
      const pending = invoke(fake.nodeId, "system.run", { argv: ["anything"] });
      const req = await fake.sock.nextEvent("node.invoke.request");
      expect(req.payload).toMatchObject({ nodeId: fake.nodeId, command: "system.run", paramsJSON: JSON.stringify({ argv: ["anything"] }) });
      // Another node's id, then an unknown invoke id: both refused, the invoke stays pending.
      expect((await fake.sock.request("node.invoke.result", { id: req.payload.id, nodeId: node.nodeId, ok: true })).error.message).toBe("unknown invoke id");
      expect((await fake.sock.request("node.invoke.result", { id: "nope", nodeId: fake.nodeId, ok: true })).error.message).toBe("unknown invoke id");
      const ack = await fake.sock.request("node.invoke.result", { id: req.payload.id, nodeId: fake.nodeId, ok: true, payloadJSON: '{"answer":42}' });
      expect(ack.payload).toEqual({ ok: true });
      expect((await pending).payload.payload).toEqual({ answer: 42 });
    } finally {
      await fake.sock.close();
    }
  });

  it("should time out an invoke whose result comes after the deadline, even when it is read before the overdue timer", async () => {
    const fake = await fakeNode();
    try {
      const pending = invoke(fake.nodeId, "system.run", { argv: ["x"] }, 200);
      const req = await fake.sock.nextEvent("node.invoke.request");
      // Hold the event loop past the deadline, so the timer cannot run before the result is handled.
      const until = performance.now() + 250;
      while (performance.now() < until) { /* busy: no timer may fire */ }
      const nodes = gw.gateway.services.nodes;
      const accepted = nodes.complete(nodes.get(fake.nodeId)!.connId, { id: req.payload.id, nodeId: fake.nodeId, ok: true, payload: { late: true } });
      expect(accepted).toBe(false);
      expect((await pending).error.code).toBe("AGENT_TIMEOUT");
    } finally {
      await fake.sock.close();
    }
  });

  it("should fail the invoke, not leave it hanging, when a node's payloadJSON is not JSON", async () => {
    const fake = await fakeNode();
    try {
      const key = crypto.randomUUID();
      const call = () => op.request("node.invoke", { nodeId: fake.nodeId, command: "system.run", params: { argv: ["x"] }, timeoutMs: 30_000, idempotencyKey: key });
      const pending = call();
      const req = await fake.sock.nextEvent("node.invoke.request");
      const ack = await fake.sock.request("node.invoke.result", { id: req.payload.id, nodeId: fake.nodeId, ok: true, payloadJSON: "{not json" });
      expect(ack.error).toMatchObject({ code: "INVALID_REQUEST", message: "payloadJSON is not valid JSON" });
      const res = await pending;
      expect(res.error.code).toBe("UNAVAILABLE");
      expect(res.error.message).toContain("invalid payloadJSON");
      // A retry with the same idempotency key replays that outcome instead of waiting on a lost promise.
      expect((await call()).error).toEqual(res.error);
    } finally {
      await fake.sock.close();
    }
  });
});

describe("canvas URLs in a node's hello-ok", () => {
  for (const protocol of [3, 4] as const) {
    it(`should hand a v${protocol} node a capability URL that serves the canvas`, async () => {
      const { sock, res } = await deviceConnect(gw.url, {
        identity: newIdentity(), token: gw.token, role: "node", protocol, commands: ["canvas.present"],
      });
      try {
        expect(res.ok).toBe(true);
        expect(res.payload.protocol).toBe(protocol);
        const url: string = protocol === 3 ? res.payload.canvasHostUrl : res.payload.pluginSurfaceUrls.canvas;
        if (protocol === 3) expect(res.payload.pluginSurfaceUrls).toBeUndefined();
        else expect(res.payload.canvasHostUrl).toBeUndefined();
        const port = new URL(gw.url).port;
        expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/__mayros__/cap/[A-Za-z0-9_-]{24}$`));
        const page = await fetch(`${url}/__mayros__/canvas/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain("Hello from your Mayros canvas");
      } finally {
        await sock.close();
      }
    });
  }

  it("should build the canvas URL from the address the node reached the gateway at, in hello-ok and on refresh", async () => {
    // A node on the LAN reaches the gateway by another name than its listen address (0.0.0.0 with bind "lan").
    const headers = { Host: "gateway.example:4443" };
    const v3 = await deviceConnect(gw.url, { identity: newIdentity(), token: gw.token, role: "node", protocol: 3, headers });
    const v4 = await deviceConnect(gw.url, { identity: newIdentity(), token: gw.token, role: "node", protocol: 4, headers });
    try {
      expect(v3.res.payload.canvasHostUrl).toMatch(/^http:\/\/gateway\.example:4443\/__mayros__\/cap\/[A-Za-z0-9_-]{24}$/);
      expect(v4.res.payload.pluginSurfaceUrls.canvas).toMatch(/^http:\/\/gateway\.example:4443\/__mayros__\/cap\/[A-Za-z0-9_-]{24}$/);
      const refreshed = await v3.sock.request("node.canvas.capability.refresh", {});
      expect(refreshed.payload.canvasHostUrl).toStartWith("http://gateway.example:4443/__mayros__/cap/");
      const surface = await v4.sock.request("node.pluginSurface.refresh", { surface: "canvas" });
      expect(surface.payload.url).toStartWith("http://gateway.example:4443/__mayros__/cap/");
    } finally {
      await Promise.all([v3.sock.close(), v4.sock.close()]);
    }
  });

  it("should give operators no canvas URL", async () => {
    const { sock, res } = await deviceConnect(gw.url, { identity: newIdentity(), token: gw.token, scopes: ["operator.read"] });
    expect(res.ok).toBe(true);
    expect(res.payload.pluginSurfaceUrls).toBeUndefined();
    await sock.close();
  });
});
