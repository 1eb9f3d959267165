/**
 * @module The small TypeScript project the LSP bridge tests run the real `typescript-language-server` on, written
 * into a fresh temp dir (kept as strings: as files under test/ the type error would fail the repository typecheck).
 * `src/main.ts` imports `greet` from `src/greet.ts` and has one type error, TS2322 at line 3, column 7.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "../../cli/spawn.ts";

/** The fixture's files, by path. */
export const FIXTURE_FILES: Record<string, string> = {
  "tsconfig.json": JSON.stringify({
    compilerOptions: { strict: true, target: "ES2022", module: "ESNext", moduleResolution: "bundler", noEmit: true, types: [] },
    include: ["src"],
  }),
  "src/greet.ts": "/** Says hello to someone. */\nexport function greet(name: string): string {\n  return `hello ${name}`;\n}\n",
  "src/main.ts": 'import { greet } from "./greet";\n\nconst count: number = "three";\nconsole.log(greet("world"), count);\n',
};

/** Where `greet` is used in src/main.ts (0-based): line 3, on the name. */
export const GREET_USE = { line: 3, character: 13 } as const;

/** Writes the fixture project into a new temp dir and returns it. */
export function writeFixtureProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "mayros-lsp-fixture-"));
  for (const [path, text] of Object.entries(FIXTURE_FILES)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/**
 * The lsp-bridge server entry for the real typescript-language-server of node_modules, with the JS TypeScript 5
 * (typescript@7 is native and has no tsserver.js) and no syntax-only server answering while the project loads.
 */
export function typescriptServer(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    language: "typescript",
    command: join(repoRoot, "node_modules/.bin/typescript-language-server"),
    args: ["--stdio"],
    initializationOptions: { tsserver: { path: join(repoRoot, "node_modules/typescript-tsserver/lib/tsserver.js"), useSyntaxServer: "never" } },
    ...extra,
  };
}
