/** @module Unit tests of the live node command allowlist: read from the config file as it is now. */
import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { liveNodeCommandPolicy } from "../../src/gateway/node-policy.ts";

let dir: string;
let path: string;
let warnings: string[];
const log = { warn: (msg: string) => void warnings.push(msg) };
const write = (config: unknown) => writeFileSync(path, typeof config === "string" ? config : JSON.stringify(config));

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "mayros-node-policy-"));
  path = join(dir, "mayros.json");
  warnings = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("liveNodeCommandPolicy", () => {
  it("should follow gateway.nodes in the file as it changes, with the schema defaults", () => {
    write({ gateway: { nodes: { allowCommands: ["camera.snap"] } } });
    const policy = liveNodeCommandPolicy(path, { allowCommands: [], denyCommands: [] }, log);
    expect(policy()).toEqual({ allowCommands: ["camera.snap"], denyCommands: [] });
    write({ gateway: { nodes: { denyCommands: ["system.run"] } } });
    expect(policy()).toEqual({ allowCommands: [], denyCommands: ["system.run"] });
    write({});
    expect(policy()).toEqual({ allowCommands: [], denyCommands: [] });
    expect(warnings).toEqual([]);
  });

  it("should keep the last good allowlist while the file is broken, warning once per broken version", () => {
    const policy = liveNodeCommandPolicy(path, { allowCommands: ["screen.record"], denyCommands: [] }, log);
    write("{ not json");
    expect(policy()).toEqual({ allowCommands: ["screen.record"], denyCommands: [] });
    expect(policy()).toEqual({ allowCommands: ["screen.record"], denyCommands: [] });
    expect(warnings).toHaveLength(1);
    write({ gateway: { nodes: { allowCommands: "camera.snap" } } });
    expect(policy()).toEqual({ allowCommands: ["screen.record"], denyCommands: [] });
    expect(warnings).toHaveLength(2);
    write({ gateway: { nodes: { allowCommands: ["camera.clip"] } } });
    expect(policy()).toEqual({ allowCommands: ["camera.clip"], denyCommands: [] });
  });
});
