/**
 * @module Where the gateway gets the control UI bundle: embedded in the compiled binary
 * (`/$bunfs/root/control-ui`, see build/compile.ts), else bundled from `assets/ui` on first use
 * and kept. Nothing happens at start-up, so serving pages never slows the gateway's cold start.
 */
import { join } from "node:path";
import { buildUiBundle, readUiBundle, type UiBundle } from "./bundle.ts";

/** The folder name the build embeds the bundle under (the basename of the `--asset` folder). */
export const EMBEDDED_UI_DIR = "control-ui";
const COMPILED_ROOT = "/$bunfs/root";

/** The UI sources in the repository (`assets/ui`, three levels above this file). */
export const UI_SOURCE_DIR = join(import.meta.dir, "../../../assets/ui");

/** Loads the bundle once; a failed bundle is retried on the next call. */
export type UiBundleLoader = () => Promise<UiBundle>;

/**
 * Creates the loader: the embedded bundle when present, otherwise a bundle of `sourceDir`.
 * @throws {Error} (from the loader) when neither is available or bundling fails.
 */
export function createUiBundleLoader({ sourceDir = UI_SOURCE_DIR, embeddedDir = join(COMPILED_ROOT, EMBEDDED_UI_DIR) } = {}): UiBundleLoader {
  let pending: Promise<UiBundle> | null = null;
  return function loadUiBundle() {
    pending ??= (async () => readUiBundle(embeddedDir) ?? (await buildUiBundle(sourceDir)))();
    pending.catch(() => { pending = null; });
    return pending;
  };
}
