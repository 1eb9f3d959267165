/**
 * @module The `web_fetch` tool (`group:web`): GET an http(s) URL and return readable text (HTML
 * reduced to light markdown: scripts, styles and tags stripped). Reads at most 2 MB, returns at most
 * `maxChars` (≤ 50 000), gives up after 20 s, follows up to 5 redirects, refuses other schemes and,
 * unless allowed, private and loopback addresses (every hop is checked). Results are cached 15 minutes.
 */
import { isIP } from "node:net";
import { VERSION } from "../../version.ts";
import type { Tool, ToolResult } from "./registry.ts";

/** Largest `maxChars`, and its default. */
export const MAX_FETCH_CHARS = 50_000;
/** Bytes read from a response at most. */
export const MAX_FETCH_BYTES = 2 * 1024 * 1024;
/** Time limit of one fetch, redirects included. */
export const FETCH_TIMEOUT_MS = 20_000;
const MAX_REDIRECTS = 5;
const CACHE_TTL_MS = 15 * 60_000;
const CACHE_ENTRIES = 100;

/** Options of {@link webFetchTool}. */
export interface WebFetchOptions {
  /** Allow loopback, private, link-local and other non-public addresses (tests, trusted setups). @default false */
  allowPrivateNetwork?: boolean;
  /** @default {@link FETCH_TIMEOUT_MS} */
  timeoutMs?: number;
  /** @default {@link MAX_FETCH_BYTES} */
  maxBytes?: number;
  /** How long a fetched page is reused; 0 disables the cache. @default 15 minutes */
  cacheTtlMs?: number;
}

const fail = (content: string): ToolResult => ({ content, isError: true });

/** Whether an IP address is loopback, private, link-local, CGNAT, multicast, reserved or unspecified. */
export function isPrivateAddress(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) {
    const [a = 0, b = 0] = ip.split(".").map(Number);
    return a === 0 || a === 10 || a === 127 || a >= 224 || (a === 100 && b >= 64 && b < 128) || (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168) || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19));
  }
  if (v !== 6) return true;
  const lower = ip.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return isPrivateAddress(mapped[1]!);
  return lower === "::" || lower === "::1" || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || lower.startsWith("ff");
}

/** Refuses a URL whose host is (or resolves to) a non-public address. */
async function checkHost(url: URL): Promise<string | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      const { lookup } = await import("node:dns/promises");
      addresses = (await lookup(host, { all: true })).map((r) => r.address);
    } catch {
      return `cannot resolve host: ${host}`;
    }
  }
  const blocked = addresses.find(isPrivateAddress);
  return blocked ? `refusing to fetch a private or loopback address (${host} → ${blocked})` : undefined;
}

/** Reads at most `max` bytes of a body. */
async function readCapped(res: Response, max: number): Promise<{ bytes: Uint8Array; truncated: boolean }> {
  if (!res.body) return { bytes: new Uint8Array(), truncated: false };
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > max) {
      chunks.push(value.subarray(0, max - size));
      size = max;
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  return { bytes: Buffer.concat(chunks), truncated };
}

const ENTITIES: Record<string, string> = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", mdash: "—", ndash: "–", hellip: "…", copy: "©", reg: "®",
  lsquo: "‘", rsquo: "’", ldquo: "“", rdquo: "”", laquo: "«", raquo: "»", bull: "•", middot: "·", times: "×",
};

/** Decodes named and numeric character references. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/**
 * HTML as readable text: the title, then the body with scripts, styles and other non-content
 * elements removed, headings as `#`, list items as `- `, links as `[text](url)`, blocks on their
 * own lines and whitespace collapsed.
 */
export function htmlToText(html: string, baseUrl?: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title\s*>/i.exec(html)?.[1];
  let s = html
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/<(script|style|noscript|template|svg|head|iframe|object)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, "")
    .replace(/<(script|style)\b[^>]*>[\s\S]*$/gi, "");
  s = s.replace(/<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1\s*>/gi, (_m, level: string, inner: string) => `\n\n${"#".repeat(Number(level))} ${inner}\n\n`);
  s = s.replace(/<a\b[^>]*?href\s*=\s*("([^"]*)"|'([^']*)')[^>]*>([\s\S]*?)<\/a\s*>/gi, (_m, _q, dq?: string, sq?: string, inner = "") => {
    const text = inner.replace(/<[^>]*>/g, "").trim();
    let href = decodeEntities(dq ?? sq ?? "");
    try {
      href = new URL(href, baseUrl).href;
    } catch {
      return text;
    }
    return text && /^https?:/.test(href) ? `[${text}](${href})` : text;
  });
  s = s
    .replace(/<li\b[^>]*>/gi, "\n- ")
    .replace(/<(br|hr)\b[^>]*>/gi, "\n")
    .replace(/<\/?(p|div|section|article|header|footer|nav|aside|main|ul|ol|table|tr|pre|blockquote|figure|form|dl|dt|dd)\b[^>]*>/gi, "\n")
    .replace(/<\/(td|th)\s*>/gi, " ")
    .replace(/<[^>]*>/g, "");
  s = decodeEntities(s)
    .replace(/[ \t\f\v\u00a0]+/g, " ")
    .split("\n").map((line) => line.trim()).join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  const cleanTitle = title ? decodeEntities(title.replace(/<[^>]*>/g, "")).replace(/\s+/g, " ").trim() : "";
  return cleanTitle && !s.startsWith(`# ${cleanTitle}`) ? `# ${cleanTitle}\n\n${s}` : s;
}

/** Whether a content type is text we can show. */
function isTextual(type: string): boolean {
  return !type || type.startsWith("text/") || /json|xml|javascript|ecmascript|x-www-form-urlencoded|yaml|csv/.test(type);
}

/** The `web_fetch` tool. */
export function webFetchTool(options: WebFetchOptions = {}): Tool {
  const timeoutMs = options.timeoutMs ?? FETCH_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? MAX_FETCH_BYTES;
  const ttl = options.cacheTtlMs ?? CACHE_TTL_MS;
  const cache = new Map<string, { at: number; result: { url: string; status: number; type: string; text: string; truncated: boolean } }>();

  async function load(start: URL, signal: AbortSignal) {
    let url = start;
    for (let hop = 0; ; hop++) {
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`redirect to an unsupported scheme: ${url.protocol}`);
      if (!options.allowPrivateNetwork) {
        const refused = await checkHost(url);
        if (refused) throw new Error(refused);
      }
      const res = await fetch(url, {
        redirect: "manual", signal,
        headers: { accept: "text/html, text/plain;q=0.9, application/json;q=0.8, */*;q=0.5", "user-agent": `Mayros/${VERSION} (web_fetch)` },
      });
      const location = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && location) {
        await res.body?.cancel().catch(() => undefined);
        if (hop >= MAX_REDIRECTS) throw new Error(`too many redirects (more than ${MAX_REDIRECTS})`);
        url = new URL(location, url);
        continue;
      }
      const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (!isTextual(type)) {
        await res.body?.cancel().catch(() => undefined);
        throw new Error(`unsupported content type: ${type} (web_fetch returns text only)`);
      }
      const { bytes, truncated } = await readCapped(res, maxBytes);
      const raw = new TextDecoder().decode(bytes);
      const html = type.includes("html") || (!type && /^\s*<(!doctype html|html)/i.test(raw));
      return { url: url.href, status: res.status, type: type || "unknown", text: html ? htmlToText(raw, url.href) : raw.trim(), truncated };
    }
  }

  return {
    name: "web_fetch",
    group: "group:web",
    description: "Fetch an http(s) URL and return its readable text (HTML converted to markdown-like text).",
    inputSchema: {
      type: "object",
      properties: {
        url: { type: "string", description: "An http:// or https:// URL." },
        maxChars: { type: "integer", minimum: 100, maximum: MAX_FETCH_CHARS, description: `Characters returned at most (default ${MAX_FETCH_CHARS}).` },
      },
      required: ["url"],
    },
    async execute(input, ctx) {
      let url: URL;
      try {
        url = new URL(String(input.url ?? ""));
      } catch {
        return fail(`invalid URL: ${String(input.url)}`);
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") return fail(`unsupported URL scheme ${url.protocol} (only http and https)`);
      if (url.username || url.password) return fail("URLs with credentials are not fetched");
      const maxChars = Math.min(MAX_FETCH_CHARS, Math.max(100, Math.floor(Number(input.maxChars) || MAX_FETCH_CHARS)));
      let page = ttl > 0 ? cache.get(url.href) : undefined;
      if (page && Date.now() - page.at > ttl) page = undefined;
      if (!page) {
        const timeout = AbortSignal.timeout(timeoutMs);
        try {
          page = { at: Date.now(), result: await load(url, AbortSignal.any([ctx.signal, timeout])) };
        } catch (error) {
          if (timeout.aborted) return fail(`timed out after ${timeoutMs / 1000} s: ${url.href}`);
          if (ctx.signal.aborted) return fail("aborted");
          return fail(`fetch failed: ${(error as Error).message}`);
        }
        if (ttl > 0 && page.result.status < 400) {
          if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
          cache.set(url.href, page);
        }
      }
      const r = page.result;
      const cut = r.text.length > maxChars;
      const notes = [
        ...(r.truncated ? [`[body truncated at ${maxBytes} bytes]`] : []),
        ...(cut ? [`[text truncated: ${r.text.length} characters, showing the first ${maxChars}]`] : []),
      ];
      const content = `URL: ${r.url}\nStatus: ${r.status}\nContent-Type: ${r.type}\n\n${cut ? r.text.slice(0, maxChars) : r.text}${notes.length ? `\n\n${notes.join("\n")}` : ""}`;
      return r.status >= 400 ? fail(content) : { content };
    },
  };
}
