/**
 * A strict parser for XML property lists (what `plutil -lint` would accept for the types a launchd agent
 * uses: dict, array, string, integer, true, false), so tests can read a generated plist on Linux.
 */

/** A parsed plist value. */
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/**
 * Parses an XML plist document.
 * @throws {Error} naming the offset of anything that is not well-formed or not a plist.
 */
export function parsePlist(xml: string): PlistValue {
  const header = /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*<!DOCTYPE plist PUBLIC "-\/\/Apple\/\/DTD PLIST 1\.0\/\/EN" "http:\/\/www\.apple\.com\/DTDs\/PropertyList-1\.0\.dtd">\s*<plist version="1\.0">/.exec(xml);
  if (!header) throw new Error("missing the XML declaration, the plist DOCTYPE or <plist version=\"1.0\">");
  let pos = header[0].length;
  const fail = (why: string): never => {
    throw new Error(`${why} at offset ${pos}: ${JSON.stringify(xml.slice(pos, pos + 40))}`);
  };
  const skipSpace = () => {
    while (/\s/.test(xml[pos] ?? "")) pos++;
  };
  const tag = (): { name: string; close: boolean; empty: boolean } => {
    skipSpace();
    const m = /^<(\/?)([a-z]+)\s*(\/?)>/.exec(xml.slice(pos));
    if (!m) return fail("expected a tag");
    pos += m[0].length;
    return { name: m[2]!, close: m[1] === "/", empty: m[3] === "/" };
  };
  const text = (name: string): string => {
    const end = xml.indexOf(`</${name}>`, pos);
    if (end < 0) fail(`unclosed <${name}>`);
    const raw = xml.slice(pos, end);
    if (/[<>]/.test(raw)) fail(`markup inside <${name}>`);
    pos = end + name.length + 3;
    if (/&(?![a-z]+;)/.test(raw)) fail(`bare & inside <${name}>`);
    return raw.replace(/&([a-z]+);/g, (whole, e: string) => ENTITIES[e] ?? fail(`unknown entity ${whole}`));
  };
  const value = (open = tag()): PlistValue => {
    if (open.close) return fail(`unexpected </${open.name}>`);
    switch (open.name) {
      case "true":
      case "false":
        if (!open.empty) fail(`<${open.name}> must be empty`);
        return open.name === "true";
      case "string":
        return open.empty ? "" : text("string");
      case "integer": {
        const t = text("integer").trim();
        if (!/^-?\d+$/.test(t)) fail(`bad integer ${t}`);
        return Number(t);
      }
      case "array": {
        const items: PlistValue[] = [];
        if (open.empty) return items;
        for (let next = tag(); !(next.close && next.name === "array"); next = tag()) items.push(value(next));
        return items;
      }
      case "dict": {
        const dict: { [key: string]: PlistValue } = {};
        if (open.empty) return dict;
        for (let next = tag(); !(next.close && next.name === "dict"); next = tag()) {
          if (next.name !== "key" || next.close) fail("expected <key> in <dict>");
          const key = text("key");
          if (Object.hasOwn(dict, key)) fail(`duplicate key ${key}`);
          dict[key] = value();
        }
        return dict;
      }
      default:
        return fail(`unsupported element <${open.name}>`);
    }
  };
  const root = value();
  const end = tag();
  if (!(end.close && end.name === "plist")) fail("expected </plist>");
  skipSpace();
  if (pos !== xml.length) fail("content after </plist>");
  return root;
}
