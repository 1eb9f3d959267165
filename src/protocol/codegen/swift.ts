/** @module Generates `GatewayModels.swift` from the protocol JSON Schema document (not from TypeBox). */
import { SWIFT_ANY_CODABLE, swiftGatewayFrame, type FrameCase } from "./swift-runtime.ts";
import { camelName, enumCaseNames, escapeIdentifier, pascalTypeName, swiftString, uniqueTypeName } from "./swift-names.ts";

type Json = Record<string, unknown>;

const INDENT = "    ";

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function indent(lines: readonly string[]): string[] {
  return lines.map((line) => (line === "" ? "" : INDENT + line));
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where generated nested types go: names already used in the enclosing scopes, and the declarations. */
interface Scope {
  taken: Set<string>;
  nested: string[][];
}

/** Translates JSON Schema nodes to Swift type expressions against one document's definitions. */
class SwiftTypes {
  constructor(private readonly definitions: Record<string, Json>) {}

  /** Definition name of a local `$ref`; throws when it does not resolve. */
  refName(ref: string): string {
    const name = ref.startsWith("#/definitions/") ? ref.slice("#/definitions/".length) : "";
    if (!(name in this.definitions)) throw new Error(`swift codegen: unresolved $ref ${ref}`);
    return name;
  }

  /** Swift type of `node`; anonymous objects and string enums become nested types named after `hint`. */
  expr(node: unknown, hint: string, scope: Scope): string {
    if (!isObject(node)) return "AnyCodable";
    if (typeof node.$ref === "string") return this.refName(node.$ref);
    const union = node.anyOf ?? node.oneOf;
    if (Array.isArray(union)) return this.union(union, hint, scope);
    if (Array.isArray(node.enum)) return this.enumeration(node.enum, hint, scope);
    if ("const" in node) return constType(node.const);
    let type = node.type;
    let nullable = false;
    if (Array.isArray(type)) {
      const rest = type.filter((t) => t !== "null");
      nullable = rest.length < type.length;
      type = rest.length === 1 ? rest[0] : undefined;
    }
    const base = this.typed(type, node, hint, scope);
    return nullable && !base.endsWith("?") ? `${base}?` : base;
  }

  private typed(type: unknown, node: Json, hint: string, scope: Scope): string {
    switch (type) {
      case "string": return "String";
      case "integer": return "Int";
      case "number": return "Double";
      case "boolean": return "Bool";
      case "array": return `[${stripOptional(this.expr(node.items, `${hint}Item`, scope))}]`;
      case "object": return this.object(node, hint, scope);
      default: return "AnyCodable";
    }
  }

  private object(node: Json, hint: string, scope: Scope): string {
    if (isStruct(node)) {
      const name = uniqueTypeName(hint, scope.taken);
      scope.nested.push(this.struct(name, node, scope.taken));
      return name;
    }
    const value = mapValueSchema(node);
    return `[String: ${stripOptional(this.expr(value, `${hint}Value`, scope))}]`;
  }

  private union(members: unknown[], hint: string, scope: Scope): string {
    const nonNull = members.filter((m) => !(isObject(m) && (m.type === "null" || m.const === null)));
    const nullable = nonNull.length < members.length;
    const consts = nonNull.map((m) => (isObject(m) && "const" in m ? m.const : undefined));
    let base: string;
    if (nonNull.length === 0) base = "AnyCodable";
    else if (consts.every((c) => typeof c === "string")) base = this.enumeration(consts, hint, scope);
    else if (nonNull.length === 1) base = this.expr(nonNull[0], hint, scope);
    else {
      const types = new Set(nonNull.map((m) => stripOptional(this.expr(m, hint, { taken: new Set(), nested: [] }))));
      const only = [...types][0];
      base = types.size === 1 && only !== undefined && isPrimitive(only) ? only : "AnyCodable";
    }
    return nullable && !base.endsWith("?") ? `${base}?` : base;
  }

  private enumeration(values: unknown[], hint: string, scope: Scope): string {
    if (!values.every((v): v is string => typeof v === "string")) {
      return values.every((v) => Number.isInteger(v)) ? "Int" : "AnyCodable";
    }
    const name = uniqueTypeName(hint, scope.taken);
    scope.nested.push(stringEnum(name, values));
    return name;
  }

  /** `public struct name` for an object schema; nested types avoid every name in `outer`. */
  struct(name: string, node: Json, outer: ReadonlySet<string>): string[] {
    const scope: Scope = { taken: new Set([...outer, name]), nested: [] };
    const required = new Set(Array.isArray(node.required) ? node.required : []);
    const props = isObject(node.properties) ? Object.entries(node.properties) : [];
    const fields = props.map(([wire, schema]) => {
      const type = this.expr(schema, pascalTypeName(wire), scope);
      const optional = !required.has(wire) || type.endsWith("?");
      const swiftName = camelName(wire);
      return { wire, swiftName, id: escapeIdentifier(swiftName), type: stripOptional(type), optional, doc: docOf(schema) };
    });
    const body: string[] = [];
    for (const f of fields) {
      if (f.doc) body.push(`/// ${f.doc}`);
      body.push(`public let ${f.id}: ${f.type}${f.optional ? "?" : ""}`);
    }
    if (body.length > 0) body.push("");
    if (fields.length === 0) {
      body.push("public init() {}");
    } else {
      const params = fields.map((f, i) => `${INDENT}${f.id}: ${f.type}${f.optional ? "? = nil" : ""}${i < fields.length - 1 ? "," : ""}`);
      body.push("public init(", ...params, ") {", ...indent(fields.map((f) => `self.${f.id} = ${f.id}`)), "}");
    }
    if (fields.some((f) => f.swiftName !== f.wire)) {
      const keys = fields.map((f) => (f.swiftName === f.wire ? `case ${f.id}` : `case ${f.id} = ${swiftString(f.wire)}`));
      body.push("", "private enum CodingKeys: String, CodingKey {", ...indent(keys), "}");
    }
    for (const decl of scope.nested) body.push("", ...decl);
    const doc = docOf(node);
    return [...(doc ? [`/// ${doc}`] : []), `public struct ${name}: Codable, Sendable {`, ...indent(body), "}"];
  }
}

function constType(value: unknown): string {
  if (typeof value === "string") return "String";
  if (typeof value === "boolean") return "Bool";
  if (typeof value === "number") return Number.isInteger(value) ? "Int" : "Double";
  return "AnyCodable";
}

function stripOptional(type: string): string {
  return type.endsWith("?") ? type.slice(0, -1) : type;
}

function isPrimitive(type: string): boolean {
  return type === "String" || type === "Int" || type === "Double" || type === "Bool";
}

/** An object schema with named properties (or a closed empty object) is a struct; others are maps. */
function isStruct(node: Json): boolean {
  const props = isObject(node.properties) ? Object.keys(node.properties).length : 0;
  return props > 0 || (node.additionalProperties === false && !isObject(node.patternProperties));
}

/** Value schema of a map-like object: `additionalProperties`, or its single `patternProperties` entry. */
function mapValueSchema(node: Json): unknown {
  if (isObject(node.additionalProperties)) return node.additionalProperties;
  const patterns = isObject(node.patternProperties) ? Object.values(node.patternProperties) : [];
  return patterns.length === 1 ? patterns[0] : {};
}

/** One-line doc comment text: the schema's `description`, or the value of a constant. */
function docOf(node: unknown): string | undefined {
  if (!isObject(node)) return undefined;
  if (typeof node.description === "string") return node.description.replace(/\s+/g, " ").trim();
  return "const" in node ? `Always \`${JSON.stringify(node.const)}\`.` : undefined;
}

/** Raw values of a string enum definition (`enum` or a union of string consts), else `null`. */
function stringEnumValues(node: Json): string[] | null {
  const union = node.anyOf ?? node.oneOf;
  const values = Array.isArray(node.enum) ? node.enum : Array.isArray(union) ? union.map((m) => (isObject(m) ? m.const : undefined)) : null;
  return values !== null && values.length > 0 && values.every((v) => typeof v === "string") ? (values as string[]) : null;
}

function stringEnum(name: string, values: readonly string[]): string[] {
  const cases = enumCaseNames(values).map((id, i) => `case ${id} = ${swiftString(values[i] ?? "")}`);
  return [`public enum ${name}: String, Codable, Sendable, CaseIterable {`, ...indent(cases), "}"];
}

/** `public enum <name>: String, CaseIterable` over wire names (sorted). */
function wireEnum(name: string, doc: string, wireNames: readonly string[]): string[] {
  const sorted = [...wireNames].sort(byName);
  const cases = enumCaseNames(sorted).map((id, i) => `case ${id} = ${swiftString(sorted[i] ?? "")}`);
  return [`/// ${doc}`, `public enum ${name}: String, CaseIterable, Codable, Sendable {`, ...indent(cases), "}"];
}

/** The frame structs of the root `oneOf`, keyed by their `type` constant. */
function frameCases(doc: Json, definitions: Record<string, Json>, types: SwiftTypes): FrameCase[] {
  const refs = Array.isArray(doc.oneOf) ? doc.oneOf : [];
  return refs.map((entry) => {
    const name = types.refName(isObject(entry) && typeof entry.$ref === "string" ? entry.$ref : "");
    const props = definitions[name]?.properties;
    const type = isObject(props) && isObject(props.type) ? props.type.const : undefined;
    if (typeof type !== "string") throw new Error(`swift codegen: frame ${name} has no constant "type"`);
    return { type, struct: name };
  });
}

/**
 * Generates the Swift models (one `Codable` struct per object definition, string enums, typealiases,
 * `AnyCodable`, `GatewayMethod`, `GatewayEvent`, `GatewayFrame`) from a document built by
 * `buildProtocolJsonSchema`. Deterministic: definitions are emitted in sorted order.
 * @throws when a `$ref` does not resolve or a root frame has no constant `type`.
 */
export function buildSwiftModels(jsonSchema: object): string {
  const doc = jsonSchema as Json;
  const definitions = (isObject(doc.definitions) ? doc.definitions : {}) as Record<string, Json>;
  const types = new SwiftTypes(definitions);
  const names = Object.keys(definitions).sort(byName);
  const versions = (Array.isArray(doc["x-protocol-versions"]) ? doc["x-protocol-versions"] : []).filter(Number.isInteger) as number[];
  if (versions.length === 0) throw new Error("swift codegen: x-protocol-versions is missing");

  const blocks: string[][] = [[
    "// Generated by mayros codegen; do not edit.",
    `// Source: ${typeof doc.$id === "string" ? doc.$id : "protocol.schema.json"} (JSON Schema draft-07).`,
    "// swiftlint:disable all",
    "",
    "import Foundation",
    "",
    `public let GATEWAY_PROTOCOL_VERSION = ${Math.max(...versions)}`,
    `public let GATEWAY_MIN_PROTOCOL_VERSION = ${Math.min(...versions)}`,
  ]];
  for (const name of names) {
    const node = definitions[name] ?? {};
    const enumValues = stringEnumValues(node);
    if (enumValues) {
      blocks.push(stringEnum(name, enumValues));
    } else if (node.type === "object" && isStruct(node)) {
      blocks.push(types.struct(name, node, new Set(names)));
    } else {
      const scope: Scope = { taken: new Set(names), nested: [] };
      const target = types.expr(node, name, scope);
      blocks.push(...scope.nested, [`public typealias ${name} = ${target}`]);
    }
  }
  blocks.push(SWIFT_ANY_CODABLE.split("\n"));
  const methods = isObject(doc["x-mayros-methods"]) ? Object.keys(doc["x-mayros-methods"]) : [];
  const events = isObject(doc["x-mayros-events"]) ? Object.keys(doc["x-mayros-events"]) : [];
  blocks.push(wireEnum("GatewayMethod", "Every gateway method; the raw value is the wire name.", methods));
  blocks.push(wireEnum("GatewayEvent", "Every gateway event; the raw value is the wire name.", events));
  blocks.push(swiftGatewayFrame(frameCases(doc, definitions, types)).split("\n"));
  return `${blocks.map((b) => b.join("\n")).join("\n\n")}\n`;
}
