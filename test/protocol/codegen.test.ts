/** @module Tests of the protocol code generators: JSON Schema document, Swift models, artifact writer. */
import { PROTOCOL_SCHEMA_ID } from "../../src/protocol/codegen/json-schema.ts";
import { afterEach, describe, expect, it } from "bun:test";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KindGuard, type TSchema } from "@sinclair/typebox";
import { EVENTS, METHODS } from "../../src/protocol/catalog.ts";
import { ErrorCodes } from "../../src/protocol/errors.ts";
import { buildProtocolJsonSchema, collectRefs, pascalName } from "../../src/protocol/codegen/json-schema.ts";
import { buildSwiftModels } from "../../src/protocol/codegen/swift.ts";
import { writeProtocolArtifacts } from "../../src/protocol/codegen/write.ts";

const methodNames = Object.keys(METHODS);
const eventNames = Object.keys(EVENTS);

/** The body of `public <kind> <name>...{ ... }` at top level (up to the matching closing brace at column 0). */
function block(swift: string, header: string): string {
  const start = swift.indexOf(header);
  if (start < 0) throw new Error(`missing ${header}`);
  const end = swift.indexOf("\n}\n", start);
  return swift.slice(start, end + 2);
}

/** Raw values of a Swift string enum block. */
function rawValues(enumBlock: string): string[] {
  return [...enumBlock.matchAll(/case \S+ = "([^"]*)"/g)].map((m) => m[1] ?? "");
}

/** True when (), [] and {} nest properly outside string literals and `//` comments. */
function balanced(source: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
  for (const line of source.split("\n")) {
    let inString = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i] ?? "";
      if (inString) {
        if (ch === "\\") i++;
        else if (ch === '"') inString = false;
      } else if (ch === '"') inString = true;
      else if (ch === "/" && line[i + 1] === "/") break;
      else if (ch === "(" || ch === "[" || ch === "{") stack.push(ch);
      else if (ch in pairs && stack.pop() !== pairs[ch]) return false;
    }
    if (inString) return false;
  }
  return stack.length === 0;
}

/** `node` with every `$ref` replaced by its definition, recursively. */
function inline(node: unknown, definitions: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map((item) => inline(item, definitions));
  if (typeof node !== "object" || node === null) return node;
  const ref = (node as { $ref?: unknown }).$ref;
  if (typeof ref === "string") return inline(definitions[ref.slice("#/definitions/".length)], definitions);
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v, definitions)]));
}

/** A TypeBox schema as plain JSON without `$id`s, its error-code union written as the ErrorCode enum. */
function expectedJson(schema: TSchema): unknown {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => {
    if (key === "$id") return undefined;
    const anyOf = (value as { anyOf?: Array<{ const?: unknown }> } | null)?.anyOf;
    if (Array.isArray(anyOf) && anyOf.length === ErrorCodes.length && ErrorCodes.every((c) => anyOf.some((o) => o.const === c))) {
      return { type: "string", enum: [...ErrorCodes] };
    }
    return value;
  });
}

describe("buildProtocolJsonSchema", () => {
  const schema = buildProtocolJsonSchema();
  const definitions = schema.definitions;

  it("should declare a draft-07 document with the mayros $id and protocol versions 3 and 4", () => {
    expect(schema.$schema).toMatch(/^http:\/\/json-schema\.org\/draft-07\/schema#$/);
    expect(schema.$id).toBe(PROTOCOL_SCHEMA_ID);
    expect(schema.title.length).toBeGreaterThan(0);
    expect(schema["x-protocol-versions"]).toEqual([3, 4]);
  });

  it("should put the three frames in the root oneOf, discriminated on type", () => {
    expect(schema.oneOf).toEqual([
      { $ref: "#/definitions/RequestFrame" },
      { $ref: "#/definitions/ResponseFrame" },
      { $ref: "#/definitions/EventFrame" },
    ]);
    expect(schema.discriminator).toEqual({ propertyName: "type" });
  });

  it("should list every METHODS entry, connect included, with its catalog facts", () => {
    expect(Object.keys(schema["x-mayros-methods"]).sort()).toEqual([...methodNames].sort());
    for (const [name, spec] of Object.entries(METHODS)) {
      const entry = schema["x-mayros-methods"][name];
      expect(entry?.params).toBe(`#/definitions/${pascalName(name)}Params`);
      expect(entry?.result).toBe(`#/definitions/${pascalName(name)}Result`);
      expect(entry?.role).toBe(spec.role);
      expect(entry?.scope).toBe(spec.scope);
      expect(entry?.idempotency).toBe("idempotency" in spec ? spec.idempotency : undefined);
      expect(entry?.paramsOptional).toBe(KindGuard.IsOptional(spec.params));
    }
  });

  it("should list every EVENTS entry with its payload definition and guard", () => {
    expect(Object.keys(schema["x-mayros-events"]).sort()).toEqual([...eventNames].sort());
    for (const [name, spec] of Object.entries(EVENTS)) {
      const entry = schema["x-mayros-events"][name];
      expect(entry?.payload).toBe(`#/definitions/${pascalName(name)}Event`);
      expect(entry?.guard).toEqual(spec.guard);
    }
  });

  it("should name definitions after the wire names", () => {
    const expected = [
      "RequestFrame", "ResponseFrame", "EventFrame", "ErrorShape", "ErrorCode", "ConnectParams", "HelloOkV3",
      "HelloOkV4", "PresenceEntry", "HealthSnapshot", "StateVersion", "Policy", "PolicyV4", "LogsTailParams", "LogsTailResult",
      "SystemPresenceParams", "SystemPresenceResult", "ConnectChallengeEvent", "ConfigPatchParams", "ConnectResult",
    ];
    for (const name of expected) expect(definitions).toHaveProperty(name);
  });

  it("should resolve every $ref to an existing definition", () => {
    const refs = collectRefs(schema);
    expect(refs.length).toBeGreaterThan(methodNames.length); // distinct refs: shared schemas count once
    for (const ref of refs) {
      expect(ref.startsWith("#/definitions/")).toBe(true);
      expect(definitions).toHaveProperty(ref.slice("#/definitions/".length));
    }
  });

  it("should keep no $id and no TypeBox symbols inside definitions", () => {
    const text = JSON.stringify(definitions);
    expect(text).not.toContain('"$id"');
    expect(JSON.parse(text)).toEqual(definitions);
    for (const def of Object.values(definitions)) expect(Object.getOwnPropertySymbols(def)).toEqual([]);
  });

  it("should turn nested named schemas into refs", () => {
    const response = definitions.ResponseFrame as { properties: Record<string, unknown> };
    expect(response.properties.error).toEqual({ $ref: "#/definitions/ErrorShape" });
    const shape = definitions.ErrorShape as { properties: Record<string, unknown> };
    expect(shape.properties.code).toEqual({ $ref: "#/definitions/ErrorCode" });
    expect(definitions.ErrorCode).toEqual({ type: "string", enum: [...ErrorCodes] });
    const connect = definitions.ConnectParams as { properties: Record<string, unknown> };
    expect(connect.properties.client).toEqual({ $ref: "#/definitions/ClientInfo" });
    expect(definitions.SystemPresenceResult).toEqual({ type: "array", items: { $ref: "#/definitions/PresenceEntry" } });
  });

  it("should describe exactly the TypeBox schemas once refs are inlined", () => {
    for (const [name, spec] of Object.entries(METHODS)) {
      expect(inline(definitions[`${pascalName(name)}Params`], definitions)).toEqual(expectedJson(spec.params));
      expect(inline(definitions[`${pascalName(name)}Result`], definitions)).toEqual(expectedJson(spec.result));
    }
    for (const [name, spec] of Object.entries(EVENTS)) {
      expect(inline(definitions[`${pascalName(name)}Event`], definitions)).toEqual(expectedJson(spec.payload));
    }
  });

  it("should be deterministic with sorted definitions", () => {
    expect(JSON.stringify(buildProtocolJsonSchema())).toBe(JSON.stringify(schema));
    const names = Object.keys(definitions);
    expect(names).toEqual([...names].sort());
  });
});

describe("buildSwiftModels", () => {
  const schema = buildProtocolJsonSchema();
  const swift = buildSwiftModels(schema);

  it("should start with the generated header and the protocol version constants", () => {
    expect(swift.startsWith("// Generated by mayros codegen; do not edit")).toBe(true);
    expect(swift).toContain("public let GATEWAY_PROTOCOL_VERSION = 4\n");
    expect(swift).toContain("public let GATEWAY_MIN_PROTOCOL_VERSION = 3\n");
  });

  it("should list every method in GatewayMethod and every event in GatewayEvent as raw values", () => {
    const methods = rawValues(block(swift, "public enum GatewayMethod: String, CaseIterable"));
    expect(methods.sort()).toEqual([...methodNames].sort());
    expect(methods).toContain("connect");
    const events = rawValues(block(swift, "public enum GatewayEvent: String, CaseIterable"));
    expect(events.sort()).toEqual([...eventNames].sort());
    expect(swift).toContain('case logsTail = "logs.tail"');
    expect(swift).toContain('case connectChallenge = "connect.challenge"');
  });

  it("should emit ErrorCode as a String enum with every code", () => {
    const codes = rawValues(block(swift, "public enum ErrorCode: String, Codable, Sendable"));
    expect(codes).toEqual([...ErrorCodes]);
    expect(swift).toContain('case notLinked = "NOT_LINKED"');
  });

  it("should emit ConnectParams, HelloOkV4 and ErrorShape structs with typed properties", () => {
    const connect = block(swift, "public struct ConnectParams: Codable, Sendable {");
    for (const line of [
      "public let minProtocol: Int", "public let maxProtocol: Int", "public let client: ClientInfo",
      "public let scopes: [String]?", "public let permissions: [String: Bool]?", "public let modelCatalog: AnyCodable?",
    ]) expect(connect).toContain(`    ${line}\n`);
    const hello = block(swift, "public struct HelloOkV4: Codable, Sendable {");
    for (const line of [
      "public let type: String", "public let `protocol`: Int", "public let snapshot: SnapshotV4", "public let auth: HelloAuthV4",
      "public let policy: PolicyV4", "public let pluginSurfaceUrls: [String: String]?",
    ]) expect(hello).toContain(`    ${line}\n`);
    expect(hello).toContain("    public struct Server: Codable, Sendable {");
    expect(block(swift, "public struct HelloAuthV4: Codable, Sendable {")).toContain("    public enum Method: String, Codable, Sendable");
    const error = block(swift, "public struct ErrorShape: Codable, Sendable {");
    for (const line of ["public let code: ErrorCode", "public let message: String", "public let details: AnyCodable?", "public let retryAfterMs: Int?"]) {
      expect(error).toContain(`    ${line}\n`);
    }
  });

  it("should emit one struct per object definition and aliases for the rest", () => {
    for (const [name, def] of Object.entries(schema.definitions)) {
      if (def.type === "object") expect(swift).toContain(`public struct ${name}: Codable, Sendable {`);
      if (typeof def.$ref === "string") expect(swift).toContain(`public typealias ${name} = ${def.$ref.split("/").pop()}\n`);
    }
    expect(swift).toContain("public typealias SystemPresenceResult = [PresenceEntry]\n");
  });

  it("should emit AnyCodable and a GatewayFrame with an unknown case", () => {
    expect(swift).toContain("public struct AnyCodable: Codable, Sendable {");
    const frame = block(swift, "public enum GatewayFrame: Codable");
    for (const line of ["case req(RequestFrame)", "case res(ResponseFrame)", "case event(EventFrame)", "case unknown(type: String, raw: AnyCodable)"]) {
      expect(frame).toContain(line);
    }
  });

  it("should be syntactically plausible Swift (balanced brackets, no empty types)", () => {
    expect(balanced(swift)).toBe(true);
    expect(balanced(swift.replace("public init() {}", "public init() {"))).toBe(false);
    expect(swift).not.toContain("undefined");
    expect(swift).not.toMatch(/: \s*[,\n)]/);
    expect(swift.endsWith("}\n")).toBe(true);
  });

  it("should be deterministic", () => {
    expect(buildSwiftModels(buildProtocolJsonSchema())).toBe(swift);
  });

  it("should map reserved words, odd names, nullable unions, literal unions, arrays and maps", () => {
    const doc = {
      "x-protocol-versions": [3, 4],
      definitions: {
        Sample: {
          type: "object",
          required: ["default", "content-type", "kind", "items"],
          properties: {
            default: { type: "boolean" },
            "content-type": { type: "string" },
            kind: { anyOf: [{ const: "a-b", type: "string" }, { const: "c", type: "string" }] },
            items: { type: "array", items: { type: "object", properties: { n: { type: "number" } }, required: ["n"] } },
            hash: { anyOf: [{ type: "string" }, { type: "null" }] },
            extra: { type: "object", additionalProperties: { type: "integer" } },
          },
        },
      },
    };
    const out = buildSwiftModels(doc);
    for (const line of [
      "public let `default`: Bool", "public let contentType: String", "public let kind: Kind", "public let items: [ItemsItem]",
      "public let hash: String?", "public let extra: [String: Int]?", 'case contentType = "content-type"', 'case aB = "a-b"',
      "public let n: Double",
    ]) expect(out).toContain(line);
    expect(balanced(out)).toBe(true);
  });

  it("should refuse a $ref that does not resolve", () => {
    const doc = { "x-protocol-versions": [4], definitions: { A: { $ref: "#/definitions/Missing" } } };
    expect(() => buildSwiftModels(doc)).toThrow("unresolved $ref");
  });
});

describe("writeProtocolArtifacts", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = "";
  });

  it("should write the JSON Schema and the Swift models into a new directory", async () => {
    dir = await mkdtemp(join(tmpdir(), "mayros-codegen-"));
    const outDir = join(dir, "nested", "protocol");
    const { jsonSchemaPath, swiftPath } = await writeProtocolArtifacts(outDir);
    expect(jsonSchemaPath).toBe(join(outDir, "protocol.schema.json"));
    expect(swiftPath).toBe(join(outDir, "GatewayModels.swift"));
    const json = await readFile(jsonSchemaPath, "utf8");
    expect(json).toBe(`${JSON.stringify(buildProtocolJsonSchema(), null, 2)}\n`);
    expect(json.split("\n")[1]).toMatch(/^ {2}"\$schema"/);
    expect(await readFile(swiftPath, "utf8")).toBe(buildSwiftModels(JSON.parse(json) as object));
  });
});
