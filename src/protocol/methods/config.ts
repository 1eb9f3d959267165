/** @module Params and results of `config.get`, `config.schema`, `config.patch`, `config.apply`. */
import { Type, type Static } from "@sinclair/typebox";

const Opt = Type.Optional;
const Closed = { additionalProperties: false } as const;

/** `config.get` params (none). */
export const ConfigGetParams = Opt(Type.Object({}, { ...Closed, $id: "ConfigGetParams" }));
/** `config.get` result: the effective file config with secrets redacted, and the hash to send back as `baseHash`. */
export const ConfigGetResult = Type.Object(
  {
    path: Type.String(),
    exists: Type.Boolean(),
    hash: Type.String(),
    config: Type.Unknown(),
  },
  { ...Closed, $id: "ConfigGetResult" },
);
/** `config.get` result. */
export type ConfigGetResult = Static<typeof ConfigGetResult>;

/** `config.schema` params (none). */
export const ConfigSchemaParams = Opt(Type.Object({}, { ...Closed, $id: "ConfigSchemaParams" }));
/** `config.schema` result: the JSON Schema of the config file. */
export const ConfigSchemaResult = Type.Object(
  { schema: Type.Unknown(), uiHints: Type.Record(Type.String(), Type.Unknown()), version: Type.String(), generatedAt: Type.String() },
  { ...Closed, $id: "ConfigSchemaResult" },
);

/**
 * `config.patch` / `config.apply` params. `raw` is JSON5: a merge patch (RFC 7396, `null` deletes) for
 * `config.patch`, the whole file for `config.apply`. `baseHash` must equal the current hash when the file exists.
 */
export const ConfigWriteParams = Type.Object(
  {
    raw: Type.String({ maxLength: 1_000_000 }),
    baseHash: Opt(Type.String({ maxLength: 128 })),
    sessionKey: Opt(Type.String()),
    note: Opt(Type.String({ maxLength: 2000 })),
    restartDelayMs: Opt(Type.Integer({ minimum: 0 })),
    idempotencyKey: Opt(Type.String({ minLength: 1, maxLength: 256 })),
  },
  { ...Closed, $id: "ConfigWriteParams" },
);
/** `config.patch` / `config.apply` params. */
export type ConfigWriteParams = Static<typeof ConfigWriteParams>;
/** `config.patch` / `config.apply` result. */
export const ConfigWriteResult = Type.Object(
  {
    ok: Type.Literal(true),
    path: Type.String(),
    hash: Type.String(),
    config: Type.Unknown(),
    restartRequired: Type.Boolean(),
  },
  { ...Closed, $id: "ConfigWriteResult" },
);
/** `config.patch` / `config.apply` result. */
export type ConfigWriteResult = Static<typeof ConfigWriteResult>;
