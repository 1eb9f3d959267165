/** @module Compiled TypeBox validators (precompiled at build time or compiled once, on first use) and error text that names the field and the problem. */
import type { TSchema, Static } from "@sinclair/typebox";
import { TypeCheck, TypeCompiler } from "@sinclair/typebox/compiler";
import { ValueErrorType, type ValueError } from "@sinclair/typebox/errors";

import { PRECOMPILED_CHECKS } from "./precompiled.ts";

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** The schema's check: generated at build time for the handshake schemas (src/protocol/precompiled.ts), else compiled now. */
function compile(schema: TSchema): TypeCheck<TSchema> {
  const factory = typeof schema.$id === "string" ? PRECOMPILED_CHECKS[schema.$id] : undefined;
  return factory ? new TypeCheck(schema, [], factory(), "") : TypeCompiler.Compile(schema);
}

function checker<T extends TSchema>(schema: T): TypeCheck<T> {
  let check = compiled.get(schema);
  if (!check) {
    check = compile(schema);
    compiled.set(schema, check);
  }
  return check as TypeCheck<T>;
}

/** True when `value` matches `schema`. */
export function matches<T extends TSchema>(schema: T, value: unknown): value is Static<T> {
  return checker(schema).Check(value);
}

/** Describes one TypeBox error as "at /path: problem". */
export function describeValueError(error: ValueError): string {
  const where = error.path === "" ? "/" : error.path;
  return `at ${where}: ${problem(error)}`;
}

function problem(error: ValueError): string {
  const s = error.schema as Record<string, unknown>;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty: return "is required";
    case ValueErrorType.ObjectAdditionalProperties: return "is not an allowed property";
    case ValueErrorType.String: return "must be a string";
    case ValueErrorType.Integer: return "must be an integer";
    case ValueErrorType.Number: return "must be a number";
    case ValueErrorType.Boolean: return "must be a boolean";
    case ValueErrorType.Object: return "must be an object";
    case ValueErrorType.Array: return "must be an array";
    case ValueErrorType.StringMinLength: return `must be at least ${s.minLength} characters`;
    case ValueErrorType.StringMaxLength: return `must be at most ${s.maxLength} characters`;
    case ValueErrorType.NumberMinimum:
    case ValueErrorType.IntegerMinimum: return `must be >= ${s.minimum}`;
    case ValueErrorType.NumberMaximum:
    case ValueErrorType.IntegerMaximum: return `must be <= ${s.maximum}`;
    case ValueErrorType.ArrayMaxItems: return `must have at most ${s.maxItems} items`;
    case ValueErrorType.Literal: return `must be ${JSON.stringify(s.const)}`;
    case ValueErrorType.Union: return unionProblem(s);
    default: return error.message.charAt(0).toLowerCase() + error.message.slice(1);
  }
}

function unionProblem(schema: Record<string, unknown>): string {
  const options = (schema.anyOf as Array<Record<string, unknown>> | undefined) ?? [];
  const literals = options.map((o) => o.const).filter((c) => c !== undefined);
  if (literals.length === options.length && literals.length > 0) {
    return `must be one of ${literals.map((l) => JSON.stringify(l)).join(", ")}`;
  }
  return "does not match any allowed shape";
}

/**
 * The first problem of `value` against `schema`, or `null` when it matches.
 * @example firstError(ConnectParams, p) // "at /client/id: is required"
 */
export function firstError(schema: TSchema, value: unknown): string | null {
  const check = checker(schema);
  if (check.Check(value)) return null;
  const first = check.Errors(value).First();
  return first ? describeValueError(first) : "at /: is invalid";
}
