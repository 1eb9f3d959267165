/** @module Handler of `plugins.list`: the plugin registry of this gateway. */
import type { PluginsListResult } from "../../protocol/methods/plugins.ts";
import type { MethodTable } from "../context.ts";

/** Plugin handlers. */
export const pluginsMethods: MethodTable = {
  /** Every plugin found, loaded or not, with what it registered and why one did not load. */
  "plugins.list": (_p, { services }): PluginsListResult => ({
    plugins: services.plugins?.records ?? [],
    problems: services.plugins?.problems ?? [],
  }),
};
