/** @module Builds the draft-07 JSON Schema document of the wire protocol from the TypeBox schemas and the catalog. */
import { KindGuard, type TSchema } from "@sinclair/typebox";
import { METHODS, EVENTS, type EventGuard } from "../catalog.ts";
import { ErrorCodes, ErrorShape } from "../errors.ts";
import { RequestFrame, ResponseFrame, EventFrame, StateVersion } from "../frames.ts";
import { ConnectParams } from "../connect.ts";
import { HelloOkV3, HelloOkV4, PresenceEntry, HealthSnapshot, Policy, PolicyV4 } from "../hello.ts";
import { MIN_PROTOCOL_VERSION, MAX_PROTOCOL_VERSION } from "../version.ts";

/** `$id` of the generated document. */
export const PROTOCOL_SCHEMA_ID = "https://mayros.dev/protocol.schema.json";

/** A plain JSON object (a schema node once TypeBox symbols are gone). */
export type JsonObject = Record<string, unknown>;

/** Catalog facts about one method, as written under `x-mayros-methods`. */
export interface MethodEntry {
  params: string;
  result: string;
  /** True when `params` may be omitted from the request. */
  paramsOptional: boolean;
  role: string;
  scope: string | null;
  idempotency?: string;
  summary: string;
}

/** Catalog facts about one event, as written under `x-mayros-events`. */
export interface EventEntry {
  payload: string;
  guard: EventGuard;
  droppable: boolean;
  summary: string;
}

/** The shape of the document {@link buildProtocolJsonSchema} returns. */
export interface ProtocolJsonSchema {
  $schema: string;
  $id: string;
  title: string;
  description: string;
  oneOf: Array<{ $ref: string }>;
  discriminator: { propertyName: "type" };
  "x-protocol-versions": number[];
  "x-mayros-methods": Record<string, MethodEntry>;
  "x-mayros-events": Record<string, EventEntry>;
  definitions: Record<string, JsonObject>;
}

/** Name of the definition that holds the error code enum. */
const ERROR_CODE = "ErrorCode";

/**
 * PascalCase name of a wire name: `logs.tail` → `LogsTail`, `system-presence` → `SystemPresence`.
 * @example pascalName("connect.challenge") // "ConnectChallenge"
 */
export function pascalName(wire: string): string {
  return wire
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
}

/** `#/definitions/<name>`. */
export function definitionRef(name: string): string {
  return `#/definitions/${name}`;
}

/** TypeBox schema → plain JSON (drops the `Symbol(TypeBox.*)` keys). */
function plain(schema: TSchema): JsonObject {
  return JSON.parse(JSON.stringify(schema)) as JsonObject;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when `node` is a union of exactly the string literals in {@link ErrorCodes}. */
function isErrorCodeUnion(node: JsonObject): boolean {
  const options = node.anyOf;
  if (!Array.isArray(options) || options.length !== ErrorCodes.length) return false;
  const values = options.map((o) => (isObject(o) ? o.const : undefined));
  return ErrorCodes.every((code) => values.includes(code));
}

/** Collects definitions keyed by name, refusing two different schemas under one name. */
class DefinitionTable {
  readonly defs = new Map<string, JsonObject>();
  private readonly sources = new Map<string, string>();

  add(name: string, body: JsonObject, source: string): void {
    const known = this.sources.get(name);
    if (known !== undefined) {
      if (known !== source) throw new Error(`protocol codegen: two different schemas are named ${name}`);
      return;
    }
    this.sources.set(name, source);
    this.defs.set(name, body);
  }

  /**
   * Registers a schema that carries `$id` under that name and returns its `$ref`; nested named
   * schemas become refs too, the error code union becomes a ref to {@link ERROR_CODE}.
   */
  named(schema: JsonObject): string {
    const id = schema.$id as string;
    const source = JSON.stringify(schema);
    if (this.sources.get(id) !== source) this.add(id, this.rewrite(schema, true) as JsonObject, source);
    return definitionRef(id);
  }

  /** Copy of `node` with nested `$id` schemas replaced by refs and the root `$id` removed. */
  rewrite(node: unknown, root: boolean): unknown {
    if (Array.isArray(node)) return node.map((item) => this.rewrite(item, false));
    if (!isObject(node)) return node;
    if (!root && typeof node.$id === "string") return { $ref: this.named(node) };
    if (isErrorCodeUnion(node)) return { $ref: definitionRef(ERROR_CODE) };
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === "$id") continue;
      // Keys of `properties`/`patternProperties` are names, not schemas: rewrite their values only.
      if ((key === "properties" || key === "patternProperties" || key === "definitions") && isObject(value)) {
        out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.rewrite(v, false)]));
      } else {
        out[key] = this.rewrite(value, false);
      }
    }
    return out;
  }

  /**
   * Defines `name` as `schema`: the schema itself when its `$id` is `name` (or it has none),
   * else an alias `{ $ref }` to its own `$id` definition.
   */
  define(name: string, schema: TSchema): string {
    const json = plain(schema);
    const id = json.$id;
    if (typeof id === "string" && id !== name) {
      const ref = this.named(json);
      this.add(name, { $ref: ref }, `alias:${ref}`);
    } else if (typeof id === "string") {
      this.named(json);
    } else {
      this.add(name, this.rewrite(json, true) as JsonObject, JSON.stringify(json));
    }
    return definitionRef(name);
  }
}

function sortedRecord<T>(entries: Iterable<[string, T]>): Record<string, T> {
  return Object.fromEntries([...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Builds the protocol's JSON Schema document: the three frames as the root `oneOf`, every named
 * schema and every method's params/result and event's payload under `definitions`, and the catalog
 * (role, scope, idempotency, guard) under `x-mayros-methods` / `x-mayros-events`.
 * Pure: builds a fresh document on every call.
 */
export function buildProtocolJsonSchema(): ProtocolJsonSchema {
  const table = new DefinitionTable();
  table.add(ERROR_CODE, { type: "string", enum: [...ErrorCodes] }, "error-codes");
  const frames = [RequestFrame, ResponseFrame, EventFrame].map((frame) => table.define(frame.$id as string, frame));
  for (const schema of [ErrorShape, ConnectParams, HelloOkV3, HelloOkV4, PresenceEntry, HealthSnapshot, StateVersion, Policy, PolicyV4]) {
    table.define(schema.$id as string, schema);
  }

  const methods: Array<[string, MethodEntry]> = [];
  for (const [name, spec] of Object.entries(METHODS)) {
    const base = pascalName(name);
    const entry: MethodEntry = {
      params: table.define(`${base}Params`, spec.params),
      result: table.define(`${base}Result`, spec.result),
      paramsOptional: KindGuard.IsOptional(spec.params),
      role: spec.role,
      scope: spec.scope,
      summary: spec.summary,
    };
    if ("idempotency" in spec) entry.idempotency = spec.idempotency;
    methods.push([name, entry]);
  }

  const events: Array<[string, EventEntry]> = [];
  for (const [name, spec] of Object.entries(EVENTS)) {
    const payload = table.define(`${pascalName(name)}Event`, spec.payload);
    events.push([name, { payload, guard: spec.guard, droppable: spec.droppable, summary: spec.summary }]);
  }

  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: PROTOCOL_SCHEMA_ID,
    title: "Mayros Gateway Protocol",
    description: "WebSocket frames of the Mayros gateway (protocol versions 3 and 4). Generated; do not edit.",
    oneOf: frames.map(($ref) => ({ $ref })),
    discriminator: { propertyName: "type" },
    "x-protocol-versions": range(MIN_PROTOCOL_VERSION, MAX_PROTOCOL_VERSION),
    "x-mayros-methods": sortedRecord(methods),
    "x-mayros-events": sortedRecord(events),
    definitions: sortedRecord(table.defs),
  };
}

function range(min: number, max: number): number[] {
  return Array.from({ length: max - min + 1 }, (_, i) => min + i);
}

/**
 * Every `$ref` string in a JSON value, depth first (for consistency checks).
 * @example collectRefs({ a: { $ref: "#/definitions/X" } }) // ["#/definitions/X"]
 */
export function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, out);
  } else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") out.push(value);
      else collectRefs(value, out);
    }
  }
  return out;
}
