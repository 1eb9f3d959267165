/** @module Unit tests of the node handlers: list/describe/rename, invoke and the node-side methods. */
import { beforeEach, describe, expect, it } from "bun:test";
import { CAPABILITY_TTL_MS } from "../../../src/canvas/capabilities.ts";
import { PairingStore } from "../../../src/devices/pairing-store.ts";
import { nodesMethods as table } from "../../../src/gateway/methods/nodes.ts";
import { GatewayError } from "../../../src/protocol/index.ts";
import { Harness } from "./harness.ts";

let h: Harness;

beforeEach(() => {
  h = new Harness();
});

/** An operator with write (not admin). */
const writer = () => h.connect({ scopes: new Set(["operator.write"]) });

/** Starts a node.invoke and returns the request the node received. */
async function startInvoke(nodeId: string, command: string, extra: Record<string, unknown> = {}) {
  const result = h.call(table, "node.invoke", { nodeId, command, idempotencyKey: "key-1", ...extra }, writer());
  // Let a rejection be observed by the caller without an unhandled-rejection warning.
  result.catch(() => {});
  return result;
}

describe("node.list and node.describe", () => {
  it("should list connected nodes first, then offline paired device nodes and legacy nodes, but not operator devices", async () => {
    h.connectNode("node-live", { displayName: "Live" });
    h.pairDevice("node-away", { role: "node", scopes: [], displayName: "Away", platform: "ios" });
    h.pairDevice("laptop");
    const legacy = h.services.nodePairing.request({ nodeId: "legacy-1", displayName: "Legacy", platform: "android", commands: ["camera.list"] });
    h.services.nodePairing.approve(legacy.request.requestId);
    const { ts, nodes } = await h.call(table, "node.list");
    expect(ts).toBeGreaterThan(0);
    expect(nodes.map((n: any) => n.nodeId)).toEqual(["node-live", "node-away", "legacy-1"]);
    expect(nodes[0]).toEqual({
      nodeId: "node-live", displayName: "Live", platform: "linux", version: "1.0.0", remoteIp: "10.0.0.7", caps: ["system"],
      commands: ["system.run", "system.which"], permissions: {}, connected: true, paired: true, connectedAtMs: h.now,
    });
    expect(nodes[1]).toMatchObject({ nodeId: "node-away", displayName: "Away", platform: "ios", caps: [], commands: [], connected: false, paired: true });
    expect(nodes[2]).toMatchObject({ nodeId: "legacy-1", displayName: "Legacy", commands: ["camera.list"], connected: false, paired: true });
    expect(nodes[0]).not.toHaveProperty("declaredCommands");
  });

  it("should describe a node with every declared command, allowed or not", async () => {
    h.connectNode("node-1", { declared: ["system.run", "camera.snap"] });
    const node = await h.call(table, "node.describe", { nodeId: "node-1" });
    expect(node).toMatchObject({ nodeId: "node-1", connected: true, commands: ["system.run"], declaredCommands: ["system.run", "camera.snap"] });
  });

  it("should refuse an unknown node", async () => {
    const err = await h.error(table, "node.describe", { nodeId: "ghost" });
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe("unknown node: ghost");
  });
});

describe("node.invoke", () => {
  it("should send node.invoke.request to the node and resolve with the payload of its node.invoke.result", async () => {
    const { conn, link } = h.connectNode("node-1");
    const pending = startInvoke("node-1", "system.which", { params: { name: "git" }, timeoutMs: 5000 });
    expect(link.sent).toHaveLength(1);
    const request = link.sent[0]!;
    expect(request.event).toBe("node.invoke.request");
    expect(request.payload).toEqual({
      id: expect.any(String), nodeId: "node-1", command: "system.which", paramsJSON: '{"name":"git"}', timeoutMs: 5000, idempotencyKey: "key-1",
    });
    const ack = await h.call(table, "node.invoke.result", { id: request.payload.id, nodeId: "node-1", ok: true, payload: { path: "/usr/bin/git" } }, conn);
    expect(ack).toEqual({ ok: true });
    expect(await pending).toEqual({ ok: true, nodeId: "node-1", command: "system.which", payload: { path: "/usr/bin/git" } });
  });

  it("should decode payloadJSON", async () => {
    const { conn, link } = h.connectNode("node-1");
    const pending = startInvoke("node-1", "system.run");
    await h.call(table, "node.invoke.result", { id: link.sent[0]!.payload.id, nodeId: "node-1", ok: true, payloadJSON: '{"exitCode":0}' }, conn);
    expect((await pending).payload).toEqual({ exitCode: 0 });
  });

  it("should fail with the node's error when it reports one", async () => {
    const { conn, link } = h.connectNode("node-1");
    const pending = startInvoke("node-1", "system.run");
    await h.call(table, "node.invoke.result", { id: link.sent[0]!.payload.id, nodeId: "node-1", ok: false, error: { code: "E", message: "boom" } }, conn);
    const err = await pending.then(() => null, (e: GatewayError) => e);
    expect(err?.code).toBe("UNAVAILABLE");
    expect(err?.message).toBe("system.run failed on node node-1: boom");
  });

  it("should refuse a command the node did not declare", async () => {
    const { link } = h.connectNode("node-1");
    const err = await h.error(table, "node.invoke", { nodeId: "node-1", command: "screen.record", idempotencyKey: "k" }, writer());
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe("node node-1 did not declare command: screen.record");
    expect(link.sent).toEqual([]);
  });

  it("should refuse a declared command the gateway does not allow", async () => {
    const { link } = h.connectNode("node-1", { declared: ["camera.snap"] });
    const err = await h.error(table, "node.invoke", { nodeId: "node-1", command: "camera.snap", idempotencyKey: "k" }, writer());
    expect(err.message).toBe("command not allowed by the gateway: camera.snap (see gateway.nodes.allowCommands)");
    expect(link.sent).toEqual([]);
  });

  it("should apply an allowlist change made after the node connected", async () => {
    const { link } = h.connectNode("node-1");
    h.policy = { allowCommands: [], denyCommands: ["system.run"] };
    const err = await h.error(table, "node.invoke", { nodeId: "node-1", command: "system.run", idempotencyKey: "k" }, writer());
    expect(err.message).toBe("command not allowed by the gateway: system.run (see gateway.nodes.allowCommands)");
    expect(link.sent).toEqual([]);
  });

  it("should let a connected node run a command allowed after it connected, and list it as allowed", async () => {
    const { link } = h.connectNode("node-1", { declared: ["camera.snap"] });
    h.policy = { allowCommands: ["camera.snap"], denyCommands: [] };
    expect(await h.call(table, "node.describe", { nodeId: "node-1" })).toMatchObject({ commands: ["camera.snap"] });
    const outcome = await startInvoke("node-1", "camera.snap", { timeoutMs: 1 }).then(() => null, (e: GatewayError) => e);
    expect(link.sent.map((e: any) => e.payload.command)).toEqual(["camera.snap"]);
    expect(outcome?.code).toBe("AGENT_TIMEOUT");
  });

  it("should need operator.admin for browser.proxy", async () => {
    h.connectNode("node-1", { declared: ["browser.proxy"] });
    const v4 = await h.error(table, "node.invoke", { nodeId: "node-1", command: "browser.proxy", idempotencyKey: "k" }, writer());
    expect(v4.code).toBe("FORBIDDEN");
    expect(v4.message).toBe("missing scope: operator.admin");
    const v3 = await h.error(table, "node.invoke", { nodeId: "node-1", command: "browser.proxy", idempotencyKey: "k" }, h.connect({ protocol: 3, scopes: new Set(["operator.write"]) }));
    expect(v3.code).toBe("INVALID_REQUEST");
    const asAdmin = h.call(table, "node.invoke", { nodeId: "node-1", command: "browser.proxy", idempotencyKey: "k", timeoutMs: 1 });
    expect((await asAdmin.then(() => null, (e: GatewayError) => e))?.code).toBe("AGENT_TIMEOUT");
  });

  it("should fail a pending invoke at once when the node disconnects", async () => {
    const { conn } = h.connectNode("node-1");
    const pending = startInvoke("node-1", "system.run", { timeoutMs: 60_000 });
    h.services.nodes.removeConnection(conn.id);
    const err = await pending.then(() => null, (e: GatewayError) => e);
    expect(err?.code).toBe("UNAVAILABLE");
    expect(err?.message).toBe("system.run failed: node disconnected");
  });

  it("should time out when the node does not answer", async () => {
    h.connectNode("node-1");
    const started = Date.now();
    const err = await startInvoke("node-1", "system.run", { timeoutMs: 20 }).then(() => null, (e: GatewayError) => e);
    expect(err?.code).toBe("AGENT_TIMEOUT");
    expect(err?.message).toBe("node node-1 did not answer system.run within 20 ms");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("should answer NOT_LINKED for a node that is not connected", async () => {
    h.pairDevice("node-away", { role: "node", scopes: [] });
    const err = await h.error(table, "node.invoke", { nodeId: "node-away", command: "system.run", idempotencyKey: "k" }, writer());
    expect(err.code).toBe("NOT_LINKED");
  });
});

describe("node.invoke.result", () => {
  it("should refuse an unknown id, and a result sent by another node", async () => {
    const { conn, link } = h.connectNode("node-1");
    const { conn: intruder } = h.connectNode("node-2");
    const pending = startInvoke("node-1", "system.run", { timeoutMs: 60_000 });
    const unknown = await h.error(table, "node.invoke.result", { id: "nope", nodeId: "node-2", ok: true }, intruder);
    expect(unknown.code).toBe("INVALID_REQUEST");
    expect(unknown.message).toBe("unknown invoke id");
    const spoofed = await h.error(table, "node.invoke.result", { id: link.sent[0]!.payload.id, nodeId: "node-1", ok: true }, intruder);
    expect(spoofed.message).toBe("unknown invoke id");
    h.services.nodes.removeConnection(conn.id);
    await pending.catch(() => {});
  });
});

describe("node.event", () => {
  it("should acknowledge and log the event at debug", async () => {
    const { conn } = h.connectNode("node-1");
    expect(await h.call(table, "node.event", { event: "voice.transcript", payloadJSON: '{"text":"hi"}' }, conn)).toEqual({ ok: true });
    expect(h.logs).toContainEqual({ level: "debug", msg: "node event", fields: { conn: conn.id, nodeId: "node-1", event: "voice.transcript", payloadBytes: 13 } });
  });
});

describe("canvas capability refresh", () => {
  it("should mint a capability URL for the calling node (v3)", async () => {
    const { conn } = h.connectNode("node-1");
    const result = await h.call(table, "node.canvas.capability.refresh", {}, conn);
    const cap = /\/__mayros__\/cap\/([^/]+)\/$/.exec(result.canvasHostUrl)?.[1];
    expect(h.services.canvas.capabilities.verify(cap!)).toBe("node-1");
    expect(result.expiresAtMs).toBe(h.now + CAPABILITY_TTL_MS);
  });

  it("should return the canvas surface URL for node.pluginSurface.refresh (v4)", async () => {
    const { conn } = h.connectNode("node-1");
    const result = await h.call(table, "node.pluginSurface.refresh", { surface: "canvas" }, conn);
    expect(result).toEqual({ surface: "canvas", url: expect.stringContaining("/__mayros__/cap/"), expiresAtMs: h.now + CAPABILITY_TTL_MS });
  });

  it("should refuse an unknown surface", async () => {
    const { conn } = h.connectNode("node-1");
    const err = await h.error(table, "node.pluginSurface.refresh", { surface: "terminal" }, conn);
    expect(err.code).toBe("INVALID_REQUEST");
    expect(err.message).toBe("unknown surface: terminal");
  });
});

describe("node.rename", () => {
  it("should rename a legacy paired node", async () => {
    const { request } = h.services.nodePairing.request({ nodeId: "legacy-1", displayName: "Old" });
    h.services.nodePairing.approve(request.requestId);
    expect(await h.call(table, "node.rename", { nodeId: "legacy-1", displayName: "New" })).toEqual({ nodeId: "legacy-1", displayName: "New" });
    expect(h.services.nodePairing.getPaired("legacy-1")?.displayName).toBe("New");
    expect((await h.call(table, "node.describe", { nodeId: "legacy-1" })).displayName).toBe("New");
  });

  it("should rename a paired device node with the real PairingStore", async () => {
    h.pairDevice("node-1", { role: "node", scopes: [] });
    expect(await h.call(table, "node.rename", { nodeId: "node-1", displayName: "Kitchen" })).toEqual({ nodeId: "node-1", displayName: "Kitchen" });
    expect(h.services.pairing.getDevice("node-1")?.displayName).toBe("Kitchen");
  });

  it("should refuse an unknown node", async () => {
    expect((await h.error(table, "node.rename", { nodeId: "ghost", displayName: "X" })).message).toBe("unknown node: ghost");
  });
});
