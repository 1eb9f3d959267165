/** @module Writes the generated protocol artifacts (`protocol.schema.json`, `GatewayModels.swift`) to a directory. */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { buildProtocolJsonSchema } from "./json-schema.ts";
import { buildSwiftModels } from "./swift.ts";

/** File name of the JSON Schema artifact. */
export const JSON_SCHEMA_FILE = "protocol.schema.json";
/** File name of the Swift models artifact. */
export const SWIFT_MODELS_FILE = "GatewayModels.swift";

/**
 * Builds the protocol JSON Schema and the Swift models generated from it, and writes both into
 * `outDir` (created when missing; existing files are overwritten).
 * @returns the paths of the two files written.
 */
export async function writeProtocolArtifacts(outDir: string): Promise<{ jsonSchemaPath: string; swiftPath: string }> {
  const schema = buildProtocolJsonSchema();
  const swift = buildSwiftModels(schema);
  await mkdir(outDir, { recursive: true });
  const jsonSchemaPath = join(outDir, JSON_SCHEMA_FILE);
  const swiftPath = join(outDir, SWIFT_MODELS_FILE);
  await Bun.write(jsonSchemaPath, `${JSON.stringify(schema, null, 2)}\n`);
  await Bun.write(swiftPath, swift);
  return { jsonSchemaPath, swiftPath };
}
