/**
 * @module The scanner's anti-evasion normalization (extensions.md §10, layer 1). Before any rule runs, skill source
 * is rewritten so the common ways of hiding a call from a regex no longer hide it:
 * - comments are removed (aware of string and regex literals, newlines kept so line numbers hold);
 * - backslash line continuations are removed;
 * - `\u0065`, `\u{65}` and `\x65` escapes that stand for identifier characters are decoded (`\u0065val` → `eval`);
 * - adjacent string literals joined with `+` are merged (`"ev" + "al"` → `"eval"`, also inside brackets);
 * - statements split over several lines are joined into one logical line (open parentheses, trailing operators,
 *   a next line starting with `(`, `.`, `[`, `+`), each remembering the line it started on;
 * - each logical line also has a `code` form with string contents blanked, for rules about bare identifiers.
 */

import { isQuote, literalEnd, stringEnd } from "./js-literals.ts";

/** One logical line of normalized source and the 1-based source line it starts on. */
export interface LogicalLine {
  text: string;
  /** `text` with the contents of string literals blanked, for rules about identifiers. */
  code: string;
  line: number;
}

/** Normalized source: `stripped` has only comments removed (for escape-run rules); `lines` is fully normalized. */
export interface NormalizedSource {
  stripped: string;
  joined: string;
  lines: LogicalLine[];
}

/** Removes `//` and `/* *\/` comments outside string and regex literals, keeping every newline. */
export function stripComments(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === "/" && source[i + 1] === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (ch === "/" && source[i + 1] === "*") {
      const close = source.indexOf("*/", i + 2);
      const end = close < 0 ? source.length : close + 2;
      out += source.slice(i, end).replace(/[^\n]/g, "");
      i = end;
    } else {
      const end = literalEnd(source, i) ?? nextSpecial(source, i + 1);
      out += source.slice(i, end);
      i = end;
    }
  }
  return out;
}

const SPECIAL = /['"`/]/g;

/** The index of the next quote or slash at or after `from` (the end when none). */
function nextSpecial(source: string, from: number): number {
  SPECIAL.lastIndex = from;
  return SPECIAL.exec(source)?.index ?? source.length;
}

/** `text` with the contents of every string and regex literal replaced by spaces (delimiters kept). */
function blankStrings(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const end = literalEnd(text, i);
    if (end === undefined) {
      out += ch;
      continue;
    }
    out += ch + " ".repeat(Math.max(0, end - i - 2)) + (end - i >= 2 ? text[end - 1] : "");
    i = end - 1;
  }
  return out;
}

/** Decodes unicode and hex escapes that stand for identifier characters; others are left as written. */
function decodeIdentifierEscapes(source: string): string {
  return source.replace(/\\u\{([0-9a-fA-F]{1,6})\}|\\u([0-9a-fA-F]{4})|\\x([0-9a-fA-F]{2})/g, (all, braced, u4, x2) => {
    const ch = String.fromCodePoint(parseInt((braced ?? u4 ?? x2) as string, 16));
    return /^[\w$]$/.test(ch) ? ch : all;
  });
}

/** A complete string literal at `start`: its end and body, or undefined (unterminated, or a template with `${`). */
function literalAt(source: string, start: number): { end: number; body: string } | undefined {
  const quote = source[start];
  if (!isQuote(quote)) return undefined;
  const end = stringEnd(source, start);
  if (end - start < 2 || source[end - 1] !== quote) return undefined;
  const body = source.slice(start + 1, end - 1);
  return quote === "`" && body.includes("${") ? undefined : { end, body };
}

const PLUS = /\s*\+\s*/y;

/**
 * Merges chains of string literals joined with `+` (`"ev" + 'al'` → `"eval"`) in one linear pass; the newlines
 * a chain spanned are put back after it so line numbers hold.
 */
function joinConcatenations(source: string): string {
  let out = "";
  let i = 0;
  while (i < source.length) {
    const first = literalAt(source, i);
    if (!first) {
      const end = literalEnd(source, i) ?? nextSpecial(source, i + 1);
      out += source.slice(i, end);
      i = end;
      continue;
    }
    let { end, body } = first;
    let newlines = "";
    for (;;) {
      PLUS.lastIndex = end;
      const plus = PLUS.exec(source);
      const next = plus ? literalAt(source, PLUS.lastIndex) : undefined;
      if (!plus || !next) break;
      newlines += plus[0].replace(/[^\n]/g, "");
      body += next.body;
      end = next.end;
    }
    out += source[i] + body + source[i] + newlines;
    i = end;
  }
  return out;
}

/** Net `(` minus `)` outside string literals. */
function netParens(text: string): number {
  let net = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const end = literalEnd(text, i);
    if (end !== undefined) i = end - 1;
    else if (ch === "(") net++;
    else if (ch === ")") net--;
  }
  return net;
}

const ENDS_OPEN = /(?:[([{,+\-*=&|?:.]|=>)$/;
const STARTS_CONTINUED = /^(?:[(.[+?)\]]|&&|\|\|)/;

/** Joins statements split over lines into logical lines, each with the line it starts on. */
function joinSplitStatements(source: string): LogicalLine[] {
  const raw = source.split("\n").map((l) => l.trim());
  const out: LogicalLine[] = [];
  let text = "";
  let start = 1;
  let depth = 0;
  const nextNonEmpty: string[] = [];
  for (let i = raw.length - 1, seen = ""; i >= 0; i--) {
    nextNonEmpty[i] = seen;
    if (raw[i] !== "") seen = raw[i]!;
  }
  raw.forEach((line, index) => {
    if (text === "") start = index + 1;
    text = text === "" ? line : `${text} ${line}`;
    depth += netParens(line);
    // an open paren carries on to the next line unless the statement visibly ended (a miscount — a paren in a
    // regex literal — then cannot swallow the rest of the file)
    const open = depth > 0 && !/[;}]$/.test(line);
    const continues = open || (line !== "" && ENDS_OPEN.test(line)) || STARTS_CONTINUED.test(nextNonEmpty[index]!);
    if (!continues || index === raw.length - 1) {
      if (text !== "") out.push({ text, code: blankStrings(text), line: start });
      text = "";
      depth = 0;
    }
  });
  return out;
}

/** Runs the whole anti-evasion normalization over one file's source. */
export function normalizeSource(source: string): NormalizedSource {
  const stripped = stripComments(source.replace(/\r\n?/g, "\n"));
  const continued = stripped.replace(/\\\n/g, "");
  const joinedSource = joinConcatenations(decodeIdentifierEscapes(continued));
  const lines = joinSplitStatements(joinedSource);
  return { stripped, joined: lines.map((l) => l.text).join("\n"), lines };
}
