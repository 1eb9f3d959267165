import { describe, expect, it } from "bun:test";
import { Value } from "@sinclair/typebox/value";
import { CONFIG_UI_HINTS, MayrosConfig } from "../../src/config/schema.ts";

describe("MayrosConfig", () => {
  it("should be closed at the top level and allow $schema", () => {
    expect(MayrosConfig.additionalProperties).toBe(false);
    expect(Value.Check(MayrosConfig, Value.Default(MayrosConfig, { $schema: "x" }))).toBe(true);
  });

  it("should leave gateway.auth.mode without a default", () => {
    const config = Value.Default(MayrosConfig, {}) as MayrosConfig;
    expect("mode" in config.gateway.auth).toBe(false);
  });

  it("should mark the gateway secrets as sensitive in the UI hints", () => {
    expect(CONFIG_UI_HINTS["gateway.auth.token"]?.sensitive).toBe(true);
    expect(CONFIG_UI_HINTS["gateway.auth.password"]?.sensitive).toBe(true);
  });
});
