/** @module Plugin manifests and plugin config validation: defaults filled, problems named by their config path. */
import { describe, expect, it } from "bun:test";
import { validatePluginConfig, type PluginManifest } from "../../src/plugins/manifest.ts";

const manifest = (configSchema: Record<string, unknown>): PluginManifest => ({ id: "demo", configSchema });

describe("validatePluginConfig", () => {
  it("should fill defaults and name a bad nested field, unescaping the JSON pointer", async () => {
    const schema = { type: "object", properties: { level: { type: "number", default: 1 }, pricing: { type: "object", additionalProperties: { type: "number" } } } };
    expect(await validatePluginConfig(manifest(schema), undefined)).toEqual({ ok: true, value: { level: 1 } });
    expect(await validatePluginConfig(manifest(schema), { pricing: { "openai/gpt-4o": "x" } })).toEqual({ ok: false, error: "plugins.entries.demo.config.pricing.openai/gpt-4o: must be number" });
  });

  it("should name an unknown key and refuse a schema that is not JSON Schema", async () => {
    const closed = { type: "object", properties: {}, additionalProperties: false };
    expect(await validatePluginConfig(manifest(closed), { typo: 1 })).toEqual({ ok: false, error: "plugins.entries.demo.config: must NOT have additional properties (typo)" });
    const broken = await validatePluginConfig(manifest({ type: "no-such-type" }), {});
    expect(broken.ok).toBe(false);
    expect(!broken.ok && broken.error).toStartWith("configSchema of demo is not valid JSON Schema");
  });
});
