/** @module Unit tests of the change record of an arm and its exact revert, user edits meanwhile included. */
import { describe, expect, it } from "bun:test";
import { applyMergePatch } from "../../../src/config/index.ts";
import { planArm, planDisarm } from "../../../src/extensions/phone-control/changes.ts";

const CAMERA = ["camera.snap", "camera.clip"];
const apply = (config: unknown, patch: Record<string, unknown> | null) => (patch ? applyMergePatch(config, patch) : config);

describe("planArm", () => {
  it("should append only missing allow entries and drop the group from the deny list, recording just that", () => {
    const config = { gateway: { port: 1, nodes: { allowCommands: ["system.run", "camera.clip"], denyCommands: ["camera.snap", "system.which"] } } };
    const { patch, changes } = planArm(config, CAMERA);
    expect(changes).toEqual({ addedToAllow: ["camera.snap"], removedFromDeny: [{ command: "camera.snap", index: 0 }], createdKeys: [] });
    expect(apply(config, patch)).toEqual({
      gateway: { port: 1, nodes: { allowCommands: ["system.run", "camera.clip", "camera.snap"], denyCommands: ["system.which"] } },
    });
  });

  it("should record the keys it had to create, and write nothing when everything is allowed already", () => {
    expect(planArm({}, CAMERA).changes.createdKeys).toEqual(["gateway", "gateway.nodes", "gateway.nodes.allowCommands"]);
    expect(planArm({ gateway: { nodes: { denyCommands: [] } } }, CAMERA).changes.createdKeys).toEqual(["gateway.nodes.allowCommands"]);
    expect(planArm({ gateway: { nodes: { allowCommands: CAMERA } } }, CAMERA)).toEqual({ patch: null, changes: { addedToAllow: [], removedFromDeny: [], createdKeys: [] } });
  });

  it("should record deny indexes as they stood before the first arm, so re-arms revert in place", () => {
    const before = { gateway: { nodes: { denyCommands: ["a", "camera.snap", "b", "screen.record", "c", "camera.clip"] } } };
    const first = planArm(before, CAMERA);
    const second = planArm(apply(before, first.patch), ["screen.record"], first.changes);
    expect(second.changes.removedFromDeny).toEqual([{ command: "camera.snap", index: 1 }, { command: "camera.clip", index: 5 }, { command: "screen.record", index: 3 }]);
    const armed = apply(apply(before, first.patch), second.patch);
    expect(armed).toEqual({ gateway: { nodes: { denyCommands: ["a", "b", "c"], allowCommands: [...CAMERA, "screen.record"] } } });
    expect(apply(armed, planDisarm(armed, second.changes))).toEqual(before);
  });

  it("should add a re-arm's changes to the arm in force", () => {
    const first = planArm({}, CAMERA);
    const second = planArm(apply({}, first.patch), ["screen.record"], first.changes);
    expect(second.changes).toEqual({
      addedToAllow: ["camera.snap", "camera.clip", "screen.record"], removedFromDeny: [], createdKeys: ["gateway", "gateway.nodes", "gateway.nodes.allowCommands"],
    });
  });
});

describe("planDisarm", () => {
  it("should give back exactly the config before the arm when nobody touched it", () => {
    for (const before of [
      {},
      { agents: { x: 1 } },
      { gateway: { port: 1 } },
      { gateway: { nodes: { denyCommands: ["camera.snap", "system.which"] } } },
      { gateway: { nodes: { allowCommands: ["system.run"], denyCommands: ["camera.clip"] } } },
      { gateway: { nodes: { allowCommands: [] } } },
    ]) {
      const { patch, changes } = planArm(before, CAMERA);
      const armed = apply(before, patch);
      expect(apply(armed, planDisarm(armed, changes))).toEqual(before);
    }
  });

  it("should keep what the user added or removed meanwhile", () => {
    const before = { gateway: { nodes: { allowCommands: ["system.run"], denyCommands: ["camera.clip", "system.which"] } } };
    const { patch, changes } = planArm(before, CAMERA);
    const armed = apply(before, patch) as any;
    // Meanwhile: the user allows screen.record, drops system.run, and stops denying system.which.
    armed.gateway.nodes.allowCommands = [...armed.gateway.nodes.allowCommands.filter((c: string) => c !== "system.run"), "screen.record"];
    armed.gateway.nodes.denyCommands = [];
    expect(apply(armed, planDisarm(armed, changes))).toEqual({ gateway: { nodes: { allowCommands: ["screen.record"], denyCommands: ["camera.clip"] } } });
  });

  it("should keep a created key that the user filled meanwhile, and skip entries already reverted by hand", () => {
    const { patch, changes } = planArm({}, CAMERA);
    const armed = apply({}, patch) as any;
    armed.gateway.nodes.allowCommands = ["camera.clip", "location.get"];
    expect(apply(armed, planDisarm(armed, changes))).toEqual({ gateway: { nodes: { allowCommands: ["location.get"] } } });
    armed.gateway.port = 19000;
    armed.gateway.nodes.allowCommands = ["camera.snap"];
    expect(apply(armed, planDisarm(armed, changes))).toEqual({ gateway: { port: 19000 } });
  });

  it("should write nothing when the config holds none of the changes any more", () => {
    const { changes } = planArm({ gateway: { nodes: { denyCommands: ["camera.snap"] } } }, CAMERA);
    expect(planDisarm({ gateway: { nodes: { allowCommands: [], denyCommands: ["camera.snap"] } } }, changes)).toBeNull();
  });
});
