/**
 * @module A small JSON Schema check for the config editor, run before anything is sent: types,
 * unknown keys where `additionalProperties` is false, enums and constants, number bounds, string
 * lengths, and `anyOf` unions. Each problem names its dotted path. The gateway validates again
 * on write; this only catches mistakes early. No DOM, so it is unit-tested under Bun.
 */

/** The subset of JSON Schema the config schema uses. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  patternProperties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}

/** One problem: where and what. */
export interface SchemaProblem {
  path: string;
  message: string;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === "number" && actual === "integer");
}

/** The problems of `value` against `schema` (at most `limit`). */
export function checkSchema(schema: Schema, value: unknown, path = "(root)", limit = 20): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const at = (key: string | number) => (path === "(root)" ? String(key) : `${path}.${key}`);
  const add = (message: string) => problems.push({ path, message });
  if (schema.anyOf) {
    if (!schema.anyOf.some((s) => checkSchema(s, value, path, 1).length === 0)) add("does not match any allowed form");
    return problems;
  }
  if (schema.const !== undefined && value !== schema.const) add(`must be ${JSON.stringify(schema.const)}`);
  if (schema.enum && !schema.enum.includes(value)) add(`must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
  const actual = typeOf(value);
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length && !types.some((t) => typeMatches(t, actual))) {
    add(`expected ${types.join(" or ")}, got ${actual}`);
    return problems;
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) add(`must be >= ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) add(`must be <= ${schema.maximum}`);
  }
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) add(`must be at least ${schema.minLength} characters`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) add(`must be at most ${schema.maxLength} characters`);
  }
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => problems.push(...checkSchema(schema.items!, item, at(i), limit)));
  if (actual === "object") {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      const known = schema.properties?.[key]
        ?? Object.entries(schema.patternProperties ?? {}).find(([pattern]) => new RegExp(pattern).test(key))?.[1]
        ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
      if (known) problems.push(...checkSchema(known, child, at(key), limit));
      else if (schema.additionalProperties === false) problems.push({ path: at(key), message: "unknown key" });
    }
  }
  return problems.slice(0, limit);
}
