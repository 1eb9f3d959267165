/** @module The catalog facts of the device and node methods and events (protocol.md §3, protocol-v4.md §7). */
import { describe, expect, it } from "bun:test";
import { devicesMethods } from "../../../src/gateway/methods/devices.ts";
import { nodePairingMethods } from "../../../src/gateway/methods/node-pairing.ts";
import { nodesMethods } from "../../../src/gateway/methods/nodes.ts";
import { EVENTS, METHODS, firstError } from "../../../src/protocol/index.ts";

const SPECS: Record<string, { role: string; scope: string | null; idempotency?: string; params: any }> = METHODS;

describe("device and node methods in the catalog", () => {
  it("should have a catalog entry for every handler", () => {
    for (const name of Object.keys({ ...devicesMethods, ...nodesMethods, ...nodePairingMethods })) expect(SPECS[name]).toBeDefined();
  });

  it("should need operator.pairing for pairing, tokens and rename", () => {
    const pairing = [
      "device.pair.list", "device.pair.approve", "device.pair.reject", "device.pair.remove", "device.token.rotate", "device.token.revoke",
      "node.pair.request", "node.pair.list", "node.pair.approve", "node.pair.reject", "node.pair.verify", "node.rename",
    ];
    for (const name of pairing) expect(SPECS[name]).toMatchObject({ role: "operator", scope: "operator.pairing" });
  });

  it("should need operator.read to look at nodes and operator.write with a required idempotency key to invoke", () => {
    expect(SPECS["node.list"]).toMatchObject({ role: "operator", scope: "operator.read" });
    expect(SPECS["node.describe"]).toMatchObject({ role: "operator", scope: "operator.read" });
    expect(SPECS["node.invoke"]).toMatchObject({ role: "operator", scope: "operator.write", idempotency: "required" });
    expect(firstError(SPECS["node.invoke"]!.params, { nodeId: "n", command: "c" })).toBe("at /idempotencyKey: is required");
    expect(firstError(SPECS["node.invoke"]!.params, { nodeId: "n", command: "c", idempotencyKey: "k", timeoutMs: 600_001 })).not.toBeNull();
    expect(firstError(SPECS["node.invoke"]!.params, { nodeId: "n", command: "c", idempotencyKey: "k", timeoutMs: 0 })).not.toBeNull();
  });

  it("should keep the node-side methods to the node role without a scope", () => {
    for (const name of ["node.invoke.result", "node.event", "node.canvas.capability.refresh", "node.pluginSurface.refresh"]) {
      expect(SPECS[name]).toMatchObject({ role: "node", scope: null });
    }
  });

  it("should guard pairing events with operator.pairing and target node.invoke.request, none droppable", () => {
    for (const name of ["device.pair.requested", "device.pair.resolved", "node.pair.requested", "node.pair.resolved"] as const) {
      expect(EVENTS[name]).toMatchObject({ guard: { kind: "scope", scope: "operator.pairing" }, droppable: false });
    }
    expect(EVENTS["node.invoke.request"]).toMatchObject({ guard: { kind: "targeted" }, droppable: false });
  });
});
