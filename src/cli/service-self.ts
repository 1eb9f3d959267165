/**
 * @module How this program invokes itself: the compiled binary's own path, or `bun src/main.ts` when
 * run from source. Used for service definitions and for the commands the CLI suggests.
 */
import { basename, resolve } from "node:path";

/** True inside a `bun build --compile` executable (its entry lives in Bun's embedded file system). */
export function isCompiled(main: string = Bun.main): boolean {
  return main.startsWith("/$bunfs/") || /^[A-Za-z]:\\~BUN\\/.test(main);
}

/**
 * The argv prefix that runs this program: `[process.execPath]` when compiled, else
 * `[bun, <repo>/src/main.ts]`.
 */
export function selfCommand(main: string = Bun.main, execPath: string = process.execPath): string[] {
  return isCompiled(main) ? [execPath] : [execPath, resolve(import.meta.dir, "..", "main.ts")];
}

/**
 * How to type this program in a suggested command: `mayros` when the binary is found on PATH under
 * that name, its path when compiled elsewhere, and `bun src/main.ts` from source.
 */
export function selfDisplayName(main: string = Bun.main, execPath: string = process.execPath): string {
  if (!isCompiled(main)) return "bun src/main.ts";
  const name = basename(execPath);
  return Bun.which(name) === execPath ? name : execPath;
}
