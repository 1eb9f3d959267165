/** @module `plugins.list` (extensions.md §1.5): the plugins this gateway found, what each registered, and why one did not load. */
import { Type, type Static } from "@sinclair/typebox";

const Closed = { additionalProperties: false } as const;
const Names = Type.Array(Type.String());

/** `plugins.list` params. */
export const PluginsListParams = Type.Optional(Type.Object({}, { ...Closed, $id: "PluginsListParams" }));
/** `plugins.list` params. */
export type PluginsListParams = Static<typeof PluginsListParams>;

/** One plugin. */
export const PluginInfo = Type.Object(
  {
    id: Type.String(), name: Type.String(), version: Type.Optional(Type.String()), kind: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    origin: Type.Union([Type.Literal("config"), Type.Literal("workspace"), Type.Literal("global"), Type.Literal("bundled")]),
    source: Type.String(),
    status: Type.Union([Type.Literal("loaded"), Type.Literal("disabled"), Type.Literal("error")]),
    reason: Type.Optional(Type.String()),
    registered: Type.Object(
      { tools: Names, hooks: Names, methods: Names, routes: Names, cli: Names, services: Names, commands: Names, channels: Names, providers: Names },
      Closed,
    ),
  },
  { ...Closed, $id: "PluginInfo" },
);

/** `plugins.list` result. */
export const PluginsListResult = Type.Object(
  { plugins: Type.Array(PluginInfo), problems: Type.Array(Type.Object({ source: Type.String(), error: Type.String() }, Closed)) },
  { ...Closed, $id: "PluginsListResult" },
);
/** `plugins.list` result. */
export type PluginsListResult = Static<typeof PluginsListResult>;
