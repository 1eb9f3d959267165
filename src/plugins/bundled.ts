/**
 * @module The plugins compiled into the binary (`src/extensions/*`): each manifest and module behind a literal lazy
 * import, so the binary carries them and none is evaluated unless that plugin is enabled (bundled plugins are off
 * by default: `plugins.entries.<id>.enabled: true` turns one on).
 */
import type { PluginManifest } from "./manifest.ts";

/** One bundled plugin. */
export interface BundledPlugin {
  manifest(): Promise<PluginManifest>;
  module(): Promise<unknown>;
}

const json = async (load: Promise<{ default: unknown }>) => (await load).default as PluginManifest;

/** Bundled plugins by id. */
export const BUNDLED_PLUGINS: Record<string, BundledPlugin> = {
  "token-economy": {
    manifest: () => json(import("../extensions/token-economy/mayros.plugin.json", { with: { type: "json" } })),
    module: () => import("../extensions/token-economy/index.ts"),
  },
  observability: {
    manifest: () => json(import("../extensions/observability/mayros.plugin.json", { with: { type: "json" } })),
    module: () => import("../extensions/observability/index.ts"),
  },
  "lsp-bridge": {
    manifest: () => json(import("../extensions/lsp-bridge/mayros.plugin.json", { with: { type: "json" } })),
    module: () => import("../extensions/lsp-bridge/index.ts"),
  },
  "iot-bridge": {
    manifest: () => json(import("../extensions/iot-bridge/mayros.plugin.json", { with: { type: "json" } })),
    module: () => import("../extensions/iot-bridge/index.ts"),
  },
  "phone-control": {
    manifest: () => json(import("../extensions/phone-control/mayros.plugin.json", { with: { type: "json" } })),
    module: () => import("../extensions/phone-control/index.ts"),
  },
  "semantic-skills": {
    manifest: () => json(import("../extensions/skills/mayros.plugin.json", { with: { type: "json" } })),
    module: () => import("../extensions/skills/index.ts"),
  },
};
