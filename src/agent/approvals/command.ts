/**
 * @module Command lines without a shell: splitting a command string into argv (quotes and
 * backslashes as in sh, shell operators refused) and resolving its binary to an absolute path.
 */
import { accessSync, constants, statSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";

/** Characters that mean something to a shell but nothing here; refused outside quotes. */
const SHELL_OPERATORS = new Set(["|", "&", ";", "<", ">", "(", ")", "`", "$", "*", "?", "\n", "\r"]);

/**
 * Splits a command line into argv: whitespace separates words, `'…'` is literal, `"…"` is literal
 * except `\"`, `\\`, `\$` and `` \` ``, a backslash outside quotes escapes the next character, and a
 * leading `~` or `~/` is the home directory. No shell runs the command, so pipes, redirects,
 * chaining, substitution, variables and globs are refused rather than silently passed on.
 * @returns the words, or the reason the line was refused.
 */
export function splitCommand(line: string): { argv: string[] } | { error: string } {
  const argv: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  const refuse = (ch: string) => ({
    error: `shell syntax is not supported (${JSON.stringify(ch)}): commands run without a shell, so give one program with its arguments; quote the character to pass it literally`,
  });
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === "\\" && i + 1 < line.length && '"\\$`'.includes(line[i + 1]!)) word += line[++i];
      else if (ch === "$" || ch === "`") return refuse(ch);
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === "\\") {
      if (i + 1 < line.length) word += line[++i];
      inWord = true;
    } else if (ch === " " || ch === "\t") {
      if (inWord) argv.push(word);
      word = "";
      inWord = false;
    } else if (SHELL_OPERATORS.has(ch)) {
      return refuse(ch);
    } else {
      if (!inWord && ch === "~" && (i + 1 === line.length || line[i + 1] === "/" || line[i + 1] === " ")) word += homedir();
      else word += ch;
      inWord = true;
    }
  }
  if (quote) return { error: `unterminated ${quote === "'" ? "single" : "double"} quote` };
  if (inWord) argv.push(word);
  if (argv.length === 0) return { error: "command is empty" };
  return { argv };
}

/** Whether `path` is an executable regular file. */
function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The absolute path of the binary `name` would run: a name with a `/` is taken relative to `cwd`,
 * a bare name is looked up on `PATH`.
 * @param [options.PATH=process.env.PATH] the search path.
 * @returns undefined when there is no such executable.
 */
export function resolveBinary(name: string, { cwd, PATH = process.env.PATH ?? "" }: { cwd: string; PATH?: string }): string | undefined {
  if (!name) return undefined;
  if (name.includes("/")) {
    const abs = isAbsolute(name) ? name : resolve(cwd, name);
    return isExecutableFile(abs) ? abs : undefined;
  }
  return Bun.which(name, { PATH, cwd }) ?? undefined;
}
