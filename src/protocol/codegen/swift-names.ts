/** @module Swift identifier rules for the protocol codegen: camelCase, PascalCase, reserved-word escaping. */

/** Swift keywords that must be written in backticks when used as identifiers. */
const RESERVED = new Set([
  "associatedtype", "class", "deinit", "enum", "extension", "fileprivate", "func", "import", "init",
  "inout", "internal", "let", "open", "operator", "private", "precedencegroup", "protocol", "public",
  "rethrows", "static", "struct", "subscript", "typealias", "var", "break", "case", "catch", "continue",
  "default", "defer", "do", "else", "fallthrough", "for", "guard", "if", "in", "repeat", "return",
  "throw", "switch", "where", "while", "Any", "as", "await", "false", "is", "nil", "self", "Self",
  "super", "throws", "true", "try", "Type", "Protocol",
]);

/** Type names a generated nested type must not shadow. */
export const SWIFT_BUILTIN_TYPES: ReadonlySet<string> = new Set([
  "String", "Int", "Double", "Bool", "Array", "Dictionary", "Optional", "AnyCodable", "Codable",
  "Sendable", "Decoder", "Encoder", "Error", "Type", "Protocol", "Self", "Any", "CodingKeys",
]);

function words(wire: string): string[] {
  return wire.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A word as it appears after the first one: `TAIL` / `tail` → `Tail`, `connId` → `ConnId`. */
function inner(word: string): string {
  return word === word.toUpperCase() ? capitalize(word.toLowerCase()) : capitalize(word);
}

/** Prefixes `_` when `name` starts with a digit, and uses `fallback` for an empty name. */
function safeStart(name: string, fallback: string): string {
  if (name.length === 0) return fallback;
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/**
 * camelCase Swift identifier for a wire name (unescaped): a valid identifier is kept as is,
 * anything else is split on non-alphanumerics.
 * @example camelName("logs.tail") // "logsTail"
 * @example camelName("NOT_LINKED") // "notLinked"
 */
export function camelName(wire: string): string {
  if (/^[a-z][A-Za-z0-9]*$/.test(wire)) return wire;
  const parts = words(wire);
  const [first, ...rest] = parts;
  if (first === undefined) return "empty";
  const head = first === first.toUpperCase() ? first.toLowerCase() : first.charAt(0).toLowerCase() + first.slice(1);
  return safeStart(head + rest.map(inner).join(""), "empty");
}

/**
 * PascalCase Swift type name for a wire or property name.
 * @example pascalTypeName("sessionDefaults") // "SessionDefaults"
 */
export function pascalTypeName(wire: string): string {
  return safeStart(words(wire).map(capitalize).join(""), "Value");
}

/** `name`, in backticks when it is a Swift keyword. */
export function escapeIdentifier(name: string): string {
  return RESERVED.has(name) ? `\`${name}\`` : name;
}

/** A Swift string literal of `value`. */
export function swiftString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (code < 0x20 || code === 0x7f) out += `\\u{${code.toString(16)}}`;
    else out += ch;
  }
  return `${out}"`;
}

/**
 * Unique enum case identifiers for raw string values, in the order given (escaped).
 * Collisions after camelCasing get a numeric suffix.
 */
export function enumCaseNames(values: readonly string[]): string[] {
  const used = new Set<string>();
  return values.map((value) => {
    const base = camelName(value);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}${n}`;
    used.add(name);
    return escapeIdentifier(name);
  });
}

/** A name derived from `hint` that is not in `taken` nor a builtin; records it in `taken`. */
export function uniqueTypeName(hint: string, taken: Set<string>): string {
  const base = SWIFT_BUILTIN_TYPES.has(hint) || taken.has(hint) ? `${hint}Value` : hint;
  let name = base;
  for (let n = 2; taken.has(name) || SWIFT_BUILTIN_TYPES.has(name); n++) name = `${base}${n}`;
  taken.add(name);
  return name;
}
