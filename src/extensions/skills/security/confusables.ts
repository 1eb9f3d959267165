/**
 * @module Text folding for the enrichment sanitizer (extensions.md §10, layer 2): NFC normalization, invisible
 * characters removed (zero-width, joiners, bidi controls, soft hyphen, BOM), fullwidth forms and Cyrillic/Greek
 * look-alikes mapped to ASCII — so `іgnоrе` (Cyrillic і/о/е) or `ｉｇｎｏｒｅ` reads as `ignore` to the filters.
 */

/** Zero-width and other invisible formatting characters. */
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/g;

/** Cyrillic and Greek letters that look like ASCII ones. */
const HOMOGLYPHS: Record<string, string> = {
  // Cyrillic lower case
  "а": "a", "в": "b", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j", "к": "k", "м": "m", "н": "h",
  "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y", "ɡ": "g",
  // Cyrillic upper case
  "А": "A", "В": "B", "Е": "E", "Ё": "E", "Н": "H", "І": "I", "Ї": "I", "Ј": "J", "К": "K", "М": "M", "О": "O",
  "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "Ԁ": "D", "Ԛ": "Q", "Ԝ": "W", "Ү": "Y",
  // Greek lower case
  "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
  "υ": "u", "χ": "x", "ω": "w", "ς": "s",
  // Greek upper case
  "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O", "Ρ": "P",
  "Τ": "T", "Υ": "Y", "Χ": "X",
};
const HOMOGLYPH_CHARS = new RegExp(`[${Object.keys(HOMOGLYPHS).join("")}]`, "g");

/** Fullwidth ASCII (U+FF01–U+FF5E) and the ideographic space. */
const FULLWIDTH = /[\uFF01-\uFF5E\u3000]/g;

/** Folds `text` to what a reader (or a model) would take it for: NFC, no invisibles, ASCII look-alikes mapped. */
export function foldConfusables(text: string): string {
  return text
    .normalize("NFC")
    .replace(INVISIBLE, "")
    .replace(FULLWIDTH, (ch) => (ch === "\u3000" ? " " : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)))
    .replace(HOMOGLYPH_CHARS, (ch) => HOMOGLYPHS[ch] ?? ch);
}
