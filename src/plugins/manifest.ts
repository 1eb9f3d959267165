/**
 * @module `mayros.plugin.json` (extensions.md §1.1): read and checked against its TypeBox schema; the plugin's
 * `configSchema` is JSON Schema, compiled with Ajv (imported on first use) to validate `plugins.entries.<id>.config`
 * before any plugin code runs, filling its defaults.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Type, type Static } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { describeValueError } from "../protocol/validate.ts";

/** The manifest's file name, in the plugin root. */
export const MANIFEST_FILE = "mayros.plugin.json";

/** The manifest schema. */
export const PluginManifest = Type.Object(
  {
    id: Type.String({ pattern: "^[a-z0-9][a-z0-9._-]*$" }),
    configSchema: Type.Record(Type.String(), Type.Unknown(), { description: "JSON Schema of plugins.entries.<id>.config." }),
    entry: Type.Optional(Type.String({ minLength: 1, description: "The module, relative to the plugin root (default index.ts, else index.js)." })),
    kind: Type.Optional(Type.String()),
    name: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    version: Type.Optional(Type.String()),
    channels: Type.Optional(Type.Array(Type.String())),
    providers: Type.Optional(Type.Array(Type.String())),
    skills: Type.Optional(Type.Array(Type.String())),
    uiHints: Type.Optional(Type.Record(Type.String(), Type.Object({
      label: Type.Optional(Type.String()), help: Type.Optional(Type.String()), advanced: Type.Optional(Type.Boolean()),
      sensitive: Type.Optional(Type.Boolean()), placeholder: Type.Optional(Type.String()),
    }))),
  },
  { additionalProperties: true },
);
/** A checked manifest. */
export type PluginManifest = Static<typeof PluginManifest>;

/**
 * Reads and checks the manifest of the plugin at `root`.
 * @throws {Error} naming the file and the problem (missing, not JSON, a bad field)
 */
export function readManifest(root: string): PluginManifest {
  const path = join(root, MANIFEST_FILE);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "missing" : `not valid JSON (${(e as Error).message})`}`);
  }
  if (!Value.Check(PluginManifest, data)) {
    const first = Value.Errors(PluginManifest, data).First();
    throw new Error(`${path}: ${first ? describeValueError(first) : "invalid manifest"}`);
  }
  return data;
}

/**
 * Validates a plugin's config against its manifest's JSON Schema, filling defaults.
 * @returns the config with defaults, or the problems named by their path under `plugins.entries.<id>.config`
 */
export async function validatePluginConfig(manifest: PluginManifest, config: unknown): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; error: string }> {
  const { default: Ajv } = await import("ajv");
  const ajv = new Ajv({ useDefaults: true, allErrors: false, strict: false });
  let validate;
  try {
    validate = ajv.compile(manifest.configSchema);
  } catch (e) {
    return { ok: false, error: `configSchema of ${manifest.id} is not valid JSON Schema: ${(e as Error).message}` };
  }
  const value = structuredClone(config ?? {}) as Record<string, unknown>;
  if (validate(value)) return { ok: true, value };
  const first = validate.errors?.[0];
  // A JSON pointer: `/a/b~1c` names the keys "a" and "b/c".
  const keys = (first?.instancePath ?? "").split("/").slice(1).map((k) => k.replaceAll("~1", "/").replaceAll("~0", "~"));
  const where = [`plugins.entries.${manifest.id}.config`, ...keys].join(".");
  const extra = first?.params && "additionalProperty" in first.params ? ` (${String(first.params.additionalProperty)})` : "";
  return { ok: false, error: `${where}: ${first?.message ?? "invalid"}${extra}` };
}
