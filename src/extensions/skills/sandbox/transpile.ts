/**
 * @module Skill source → a script QuickJS evaluates (extensions.md §9 "Loading pipeline" step 3):
 * TypeScript is transpiled with Bun's transpiler, `export default` becomes an assignment to a
 * capture variable, and every other import or export is removed (there is no module system inside
 * the sandbox).
 */
import { SandboxError } from "./errors.ts";

const transpiler = new Bun.Transpiler({ loader: "ts", target: "browser" });

/** Whole import statements (Bun prints each on its own, possibly spanning lines) and bare `import "x"`. */
const IMPORT_STATEMENT = /^[ \t]*import\b(?![ \t]*[.(])[^;]*;?[ \t]*$/gm;
/** `export { … }`, `export * from …`: re-exports and export lists. */
const EXPORT_LIST = /^[ \t]*export[ \t]*(?:\{[^}]*\}|\*)[^;\n]*;?[ \t]*$/gm;
/** `export const|let|var|function|class|async` keeps the declaration without the keyword. */
const EXPORT_DECLARATION = /^([ \t]*)export[ \t]+(?=(?:const|let|var|function|class|async)\b)/gm;
const EXPORT_DEFAULT = /^([ \t]*)export[ \t]+default[ \t]+/gm;

/**
 * Turns skill source into the body of a function that returns the default export.
 * @param source `skill.ts` or `skill.js` text (TypeScript is a superset, so one loader serves both).
 * @param capture the variable the default export is assigned to.
 * @throws SandboxError `syntax` when Bun cannot parse the source.
 */
export function toSandboxScript(source: string, filename: string, capture: string): string {
  let js: string;
  try {
    js = transpiler.transformSync(source);
  } catch (error) {
    throw new SandboxError("syntax", `${filename}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return js
    .replace(IMPORT_STATEMENT, "")
    .replace(EXPORT_LIST, "")
    .replace(EXPORT_DEFAULT, `$1${capture} = `)
    .replace(EXPORT_DECLARATION, "$1");
}
