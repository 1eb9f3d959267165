/** @module Locating bundled assets (`assets/…`) from source and from the compiled binary. */
import { existsSync } from "node:fs";
import { join } from "node:path";

/** Where `bun build --compile --asset=assets` puts the folder inside the binary. */
const COMPILED_ASSETS_DIR = "/$bunfs/root/assets";

/**
 * The path of a bundled asset: inside the compiled binary (`/$bunfs/root/assets/<rel>`) when it
 * exists there, otherwise in the source tree (`<repo>/assets/<rel>`, two levels above this file).
 * @param rel - path below `assets/`, e.g. `a2ui/index.html`.
 * @returns a path for `node:fs` / `Bun.file`; it may not exist when the build left assets out.
 */
export function assetPath(rel: string): string {
  const compiled = join(COMPILED_ASSETS_DIR, rel);
  if (existsSync(compiled)) return compiled;
  return join(import.meta.dir, "../../assets", rel);
}
