/** @module `bun run codegen`: writes the protocol JSON Schema and Swift models into `dist/protocol/`. */
import { join, relative } from "node:path";
import { buildProtocolJsonSchema } from "../src/protocol/codegen/json-schema.ts";
import { writeProtocolArtifacts } from "../src/protocol/codegen/write.ts";

const root = join(import.meta.dir, "..");
const outDir = join(root, "dist", "protocol");

const { jsonSchemaPath, swiftPath } = await writeProtocolArtifacts(outDir);
const schema = buildProtocolJsonSchema();
const count = (record: object): number => Object.keys(record).length;

console.log(`wrote ${relative(root, jsonSchemaPath)}`);
console.log(`wrote ${relative(root, swiftPath)}`);
console.log(
  `methods: ${count(schema["x-mayros-methods"])}, events: ${count(schema["x-mayros-events"])}, definitions: ${count(schema.definitions)}`,
);
