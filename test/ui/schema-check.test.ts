/** The config editor's schema check against the real config schema (what `config.schema` returns). */
import { describe, expect, it } from "bun:test";
import { MayrosConfig } from "../../src/config/schema.ts";
import { checkSchema, type Schema } from "../../assets/ui/lib/schema-check.ts";

const schema = JSON.parse(JSON.stringify(MayrosConfig)) as Schema;

describe("checkSchema", () => {
  it("should accept a valid config", () => {
    expect(checkSchema(schema, { gateway: { port: 18789, controlUi: { allowedOrigins: ["http://127.0.0.1:5173"] } }, logging: { level: "debug" } })).toEqual([]);
  });

  it("should name the dotted path of wrong types, unknown keys and bounds", () => {
    expect(checkSchema(schema, { gateway: { port: "abc", nope: 1 }, extra: true })).toEqual([
      { path: "gateway.port", message: "expected integer, got string" },
      { path: "gateway.nope", message: "unknown key" },
      { path: "extra", message: "unknown key" },
    ]);
    expect(checkSchema(schema, { gateway: { port: 70000, controlUi: { allowedOrigins: [1] } } })).toEqual([
      { path: "gateway.port", message: "must be <= 65535" },
      { path: "gateway.controlUi.allowedOrigins.0", message: "expected string, got integer" },
    ]);
  });
});
