import { describe, expect, it } from "bun:test";
import os from "node:os";
import path from "node:path";
import { resolvePaths } from "../../src/config/paths.ts";

describe("resolvePaths", () => {
  it("should default to ~/.mayros/mayros.json", () => {
    const home = os.homedir();
    expect(resolvePaths({})).toEqual({ stateDir: path.join(home, ".mayros"), configPath: path.join(home, ".mayros", "mayros.json") });
  });

  it("should put the config inside MAYROS_STATE_DIR", () => {
    expect(resolvePaths({ MAYROS_STATE_DIR: "/srv/m" })).toEqual({ stateDir: "/srv/m", configPath: "/srv/m/mayros.json" });
  });

  it("should let MAYROS_CONFIG_PATH override the config path only", () => {
    expect(resolvePaths({ MAYROS_STATE_DIR: "/srv/m", MAYROS_CONFIG_PATH: "/etc/mayros.json5" })).toEqual({
      stateDir: "/srv/m",
      configPath: "/etc/mayros.json5",
    });
  });

  it("should treat empty variables as unset", () => {
    expect(resolvePaths({ MAYROS_STATE_DIR: "", MAYROS_CONFIG_PATH: " " }).stateDir).toBe(path.join(os.homedir(), ".mayros"));
  });
});
