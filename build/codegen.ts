/** @module `bun run codegen`: writes the protocol JSON Schema and Swift models into `dist/protocol/`, and the build-time validators into `src/protocol/precompiled.ts`. */
import { join, relative } from "node:path";
import { buildProtocolJsonSchema } from "../src/protocol/codegen/json-schema.ts";
import { writeProtocolArtifacts } from "../src/protocol/codegen/write.ts";
import { writeFileSync } from "node:fs";
import { precompiledSource } from "../src/protocol/codegen/precompile.ts";

const root = join(import.meta.dir, "..");
const outDir = join(root, "dist", "protocol");

const { jsonSchemaPath, swiftPath } = await writeProtocolArtifacts(outDir);
const schema = buildProtocolJsonSchema();
const count = (record: object): number => Object.keys(record).length;

console.log(`wrote ${relative(root, jsonSchemaPath)}`);
console.log(`wrote ${relative(root, swiftPath)}`);
const precompiledPath = join(root, "src", "protocol", "precompiled.ts");
writeFileSync(precompiledPath, precompiledSource());
console.log(`wrote ${relative(root, precompiledPath)}`);
console.log(
  `methods: ${count(schema["x-mayros-methods"])}, events: ${count(schema["x-mayros-events"])}, definitions: ${count(schema.definitions)}`,
);
