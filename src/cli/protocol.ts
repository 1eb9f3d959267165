/** @module `mayros protocol schema [--out DIR]`: the protocol's JSON Schema (and Swift models with --out). */
import type { Command } from "commander";
import { buildProtocolJsonSchema } from "../protocol/codegen/json-schema.ts";
import { writeProtocolArtifacts } from "../protocol/codegen/write.ts";
import { printJson, printLines } from "./output.ts";

/** Registers `protocol`. */
export function registerProtocolCommand(program: Command): void {
  const protocol = program.command("protocol").description("wire protocol tools");
  protocol
    .command("schema")
    .description("print the protocol JSON Schema, or write it and the Swift models into a folder")
    .option("--out <dir>", "write protocol.schema.json and GatewayModels.swift into this folder")
    .option("--json", "print machine-readable JSON")
    .action(async (flags: { out?: string; json?: boolean }) => {
      if (!flags.out) return printJson(buildProtocolJsonSchema());
      const written = await writeProtocolArtifacts(flags.out);
      if (flags.json) printJson(written);
      else printLines(`wrote ${written.jsonSchemaPath}`, `wrote ${written.swiftPath}`);
    });
}
