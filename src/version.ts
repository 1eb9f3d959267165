/** @module The version and commit of this build (the commit is baked in by `bun run build` via `--define`). */
import pkg from "../package.json" with { type: "json" };

declare const __MAYROS_COMMIT__: string | undefined;

/** Release version, from package.json. */
export const VERSION: string = pkg.version;
/** Git commit of the build, or "dev" when run from source. */
export const COMMIT: string = typeof __MAYROS_COMMIT__ === "string" ? __MAYROS_COMMIT__ : "dev";
