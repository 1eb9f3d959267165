/**
 * @module Where JavaScript string and regex literals start and end, for the scanner's normalization (layer 1). A
 * regex literal must be recognised so that `/\//` or `/"/` cannot pass for a comment or a string and hide the code
 * after it (the reference's comment stripper deleted the rest of the line after `/\//`).
 */

const QUOTES = new Set(["'", '"', "`"]);
/** Characters after which a `/` starts a regex literal rather than a division. */
const BEFORE_REGEX = new Set([..."(,=:[!&|?{};+-*%<>~^"]);
const KEYWORDS_BEFORE_REGEX = new Set(["return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw", "instanceof", "yield", "await"]);

/** The index just past the string literal opening at `start` (or the end of the line for an unterminated '/"). */
export function stringEnd(source: string, start: number): number {
  const quote = source[start];
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i];
    if (ch === "\\") i += 2;
    else if (ch === quote) return i + 1;
    else if (ch === "\n" && quote !== "`") return i;
    else i++;
  }
  return source.length;
}

/** True when a `/` at `index` is in a position where an expression starts (so it opens a regex literal). */
function regexAllowed(source: string, index: number): boolean {
  let k = index - 1;
  while (k >= 0 && /\s/.test(source[k]!)) k--;
  if (k < 0) return true;
  if (BEFORE_REGEX.has(source[k]!)) return true;
  let start = k;
  while (start > 0 && /[\w$]/.test(source[start - 1]!)) start--;
  return KEYWORDS_BEFORE_REGEX.has(source.slice(start, k + 1));
}

/** The index just past the regex literal opening at `start` (flags included), or undefined if none opens there. */
function regexEnd(source: string, start: number): number | undefined {
  const next = source[start + 1];
  if (next === "/" || next === "*" || !regexAllowed(source, start)) return undefined;
  let inClass = false;
  for (let i = start + 1; i < source.length; i++) {
    const ch = source[i];
    if (ch === "\\") i++;
    else if (ch === "\n") return undefined;
    else if (inClass) inClass = ch !== "]";
    else if (ch === "[") inClass = true;
    else if (ch === "/") {
      let end = i + 1;
      while (end < source.length && /[a-z]/i.test(source[end]!)) end++;
      return end;
    }
  }
  return undefined;
}

/** True for a string-literal quote character. */
export function isQuote(ch: string | undefined): boolean {
  return ch !== undefined && QUOTES.has(ch);
}

/** The index just past the string or regex literal opening at `start`, or undefined when none opens there. */
export function literalEnd(source: string, start: number): number | undefined {
  const ch = source[start];
  if (isQuote(ch)) return stringEnd(source, start);
  return ch === "/" ? regexEnd(source, start) : undefined;
}
