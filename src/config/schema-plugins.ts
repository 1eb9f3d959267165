/** @module Config of the plugin system (`plugins`, extensions.md §1.5): discovery paths, allow/deny, per-plugin entries. */
import { Type } from "@sinclair/typebox";

const Closed = { additionalProperties: false } as const;
const Section = { additionalProperties: false, default: {} } as const;
const Id = Type.String({ pattern: "^[a-z0-9][a-z0-9._-]*$", description: "A plugin id (lower-case letters, digits, . _ -)." });

/** One plugin's entry (`plugins.entries.<id>`). */
export const PluginEntryConfig = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: "Load it (bundled plugins default to off, installed ones to on)." })),
    config: Type.Optional(Type.Unknown({ description: "The plugin's own config, validated against its manifest's configSchema before its code runs." })),
  },
  Closed,
);

/** The plugin system (`plugins`). */
export const PluginsConfig = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: "Master switch: false loads no plugin at all." }),
    allow: Type.Array(Id, { default: [], description: "When not empty, only these plugin ids load." }),
    deny: Type.Array(Id, { default: [], description: "These plugin ids never load (deny wins over allow)." }),
    load: Type.Object(
      { paths: Type.Array(Type.String({ minLength: 1 }), { default: [], description: "Extra plugin folders (a plugin root, or a folder of plugin roots)." }) },
      Section,
    ),
    entries: Type.Record(Id, PluginEntryConfig, { default: {}, description: "Per plugin: enabled and config." }),
  },
  Section,
);
