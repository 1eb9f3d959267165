/** @module The build-time validators: the committed file is what the generator writes today, and each check agrees with TypeBox's own compiler. */
import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import { PRECOMPILED_SCHEMAS, precompiledSource } from "../../src/protocol/codegen/precompile.ts";
import { PRECOMPILED_CHECKS } from "../../src/protocol/precompiled.ts";

const SAMPLES: unknown[] = [
  null, 1, "x", [], {},
  { type: "req", id: "1", method: "health" }, { type: "req", id: "", method: "health" }, { type: "req", id: "1", method: "h", params: { a: 1 } },
  { type: "res", id: "1" }, { type: "req", id: "x".repeat(300), method: "m" },
  { minProtocol: 3, maxProtocol: 4, client: { id: "cli", version: "1", platform: "linux", mode: "cli" }, role: "operator", scopes: ["operator.read"], auth: { token: "t" } },
  { minProtocol: 3, maxProtocol: 4, client: { id: "", version: "1", platform: "linux", mode: "cli" } },
  { minProtocol: "3", maxProtocol: 4, client: {} },
];

describe("precompiled protocol validators", () => {
  it("should be up to date: src/protocol/precompiled.ts is what `bun run codegen` writes now", () => {
    const committed = readFileSync(join(import.meta.dir, "..", "..", "src", "protocol", "precompiled.ts"), "utf8");
    expect(committed).toBe(precompiledSource());
  });

  it("should accept and refuse exactly what TypeBox's run-time compiler does", () => {
    for (const [id, schema] of Object.entries(PRECOMPILED_SCHEMAS)) {
      const reference = TypeCompiler.Compile(schema);
      const check = PRECOMPILED_CHECKS[id]!();
      const verdicts = SAMPLES.map((v) => [check(v), reference.Check(v)]);
      expect(verdicts.map(([a]) => a)).toEqual(verdicts.map(([, b]) => b));
      expect(verdicts.some(([a]) => a)).toBe(true); // some sample really passes
    }
  });
});
