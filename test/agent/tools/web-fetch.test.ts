/** @module Tests of the `web_fetch` tool against a loopback server: HTML to text, caps, timeout, redirects, schemes, private addresses, cache. */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { htmlToText, isPrivateAddress, webFetchTool } from "../../../src/agent/tools/web-fetch.ts";

const PAGE = `<!doctype html><html><head><title>Test &amp; Page</title><style>body { color: red }</style>
<script>var secret = "do not show";</script></head>
<body><nav><a href="/home">Home</a></nav>
<h1>Main   heading</h1>
<p>First &lt;para&gt; with <b>bold</b> and a <a href="/docs?a=1&amp;b=2">relative link</a>.</p>
<!-- a comment -->
<ul><li>one</li><li>two &#8212; &#x2713;</li></ul>
<script type="module">alert("no")</script><noscript>enable js</noscript>
<table><tr><td>a</td><td>b</td></tr></table>
</body></html>`;

let server: ReturnType<typeof Bun.serve>;
let base: string;
const hits: string[] = [];
const releases: Array<() => void> = [];

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1", port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname;
      hits.push(path);
      switch (path) {
        case "/page": return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
        case "/text": return new Response("  plain text body \n");
        case "/json": return Response.json({ ok: true });
        case "/big": return new Response("y".repeat(3 * 1024 * 1024), { headers: { "content-type": "text/plain" } });
        case "/slow": return new Promise<Response>((resolve) => releases.push(() => resolve(new Response("late"))));
        case "/redirect": return Response.redirect("/page", 302);
        case "/loop": return Response.redirect("/loop", 302);
        case "/to-ftp": return new Response(null, { status: 301, headers: { location: "ftp://127.0.0.1/x" } });
        case "/image": return new Response(new Uint8Array([137, 80, 78, 71]), { headers: { "content-type": "image/png" } });
        default: return new Response("<p>missing</p>", { status: 404, headers: { "content-type": "text/html" } });
      }
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => {
  releases.forEach((r) => r());
  server.stop(true);
});

const ctx = () => ({ workspace: "/tmp", sessionKey: "agent:main:main", signal: new AbortController().signal });
const tool = (opts = {}) => webFetchTool({ allowPrivateNetwork: true, cacheTtlMs: 0, ...opts });

describe("web_fetch", () => {
  it("should turn HTML into readable text without scripts, styles or tags", async () => {
    const result = await tool().execute({ url: `${base}/page` }, ctx());
    expect(result.isError).toBeUndefined();
    expect(result.content).toStartWith(`URL: ${base}/page\nStatus: 200\nContent-Type: text/html\n\n# Test & Page\n\n`);
    const text = result.content;
    for (const gone of ["secret", "do not show", "color: red", "alert", "enable js", "<b>", "<p>", "<li>", "<td", "<html", "<!--", "a comment"]) expect(text).not.toContain(gone);
    expect(text).toContain("# Main heading");
    expect(text).toContain(`First <para> with bold and a [relative link](${base}/docs?a=1&b=2).`);
    expect(text).toContain("- one\n- two — ✓");
    expect(text).toContain(`[Home](${base}/home)`);
    expect(text).toContain("a b");
  });

  it("should return text and JSON as they are", async () => {
    expect((await tool().execute({ url: `${base}/text` }, ctx())).content).toEndWith("\n\nplain text body");
    expect((await tool().execute({ url: `${base}/json` }, ctx())).content).toEndWith('\n\n{"ok":true}');
  });

  it("should read at most maxBytes and return at most maxChars", async () => {
    const big = await tool().execute({ url: `${base}/big` }, ctx());
    expect(big.isError).toBeUndefined();
    expect(big.content).toContain(`${"y".repeat(50_000)}\n\n[body truncated at 2097152 bytes]\n[text truncated: 2097152 characters, showing the first 50000]`);
    expect(big.content).not.toContain("y".repeat(50_001));
    const small = await tool({ maxBytes: 1000 }).execute({ url: `${base}/big`, maxChars: 200 }, ctx());
    expect(small.content).toEndWith(`\n\n${"y".repeat(200)}\n\n[body truncated at 1000 bytes]\n[text truncated: 1000 characters, showing the first 200]`);
  });

  it("should give up after the timeout", async () => {
    const result = await tool({ timeoutMs: 100 }).execute({ url: `${base}/slow` }, ctx());
    expect(result).toEqual({ content: `timed out after 0.1 s: ${base}/slow`, isError: true });
  });

  it("should refuse other schemes, bad URLs and credentials", async () => {
    for (const url of ["file:///etc/passwd", "ftp://127.0.0.1/x", "javascript:alert(1)", "data:text/plain,hi"]) {
      const result = await tool().execute({ url }, ctx());
      expect(result.isError).toBe(true);
      expect(result.content).toStartWith("unsupported URL scheme");
    }
    expect(await tool().execute({ url: "not a url" }, ctx())).toEqual({ content: "invalid URL: not a url", isError: true });
    expect((await tool().execute({ url: `http://u:p@127.0.0.1:${server.port}/text` }, ctx())).isError).toBe(true);
  });

  it("should follow redirects, but not to other schemes or forever", async () => {
    expect((await tool().execute({ url: `${base}/redirect` }, ctx())).content).toStartWith(`URL: ${base}/page\nStatus: 200`);
    expect(await tool().execute({ url: `${base}/to-ftp` }, ctx())).toEqual({ content: "fetch failed: redirect to an unsupported scheme: ftp:", isError: true });
    expect(await tool().execute({ url: `${base}/loop` }, ctx())).toEqual({ content: "fetch failed: too many redirects (more than 5)", isError: true });
  });

  it("should report HTTP errors and refuse binary content", async () => {
    const missing = await tool().execute({ url: `${base}/nope` }, ctx());
    expect(missing).toEqual({ content: `URL: ${base}/nope\nStatus: 404\nContent-Type: text/html\n\nmissing`, isError: true });
    expect(await tool().execute({ url: `${base}/image` }, ctx())).toEqual({ content: "fetch failed: unsupported content type: image/png (web_fetch returns text only)", isError: true });
  });

  it("should refuse loopback and private addresses unless allowed, before connecting", async () => {
    const before = hits.length;
    const strict = webFetchTool({ cacheTtlMs: 0 });
    const direct = await strict.execute({ url: `${base}/text` }, ctx());
    expect(direct).toEqual({ content: "fetch failed: refusing to fetch a private or loopback address (127.0.0.1 → 127.0.0.1)", isError: true });
    const named = await strict.execute({ url: `http://localhost:${server.port}/text` }, ctx());
    expect(named.isError).toBe(true);
    expect(named.content).toContain("refusing to fetch a private or loopback address (localhost");
    expect(hits.length).toBe(before);
  });

  it("should reuse a cached page within the TTL", async () => {
    const cached = webFetchTool({ allowPrivateNetwork: true });
    const before = hits.filter((h) => h === "/json").length;
    const a = await cached.execute({ url: `${base}/json` }, ctx());
    const b = await cached.execute({ url: `${base}/json` }, ctx());
    expect(b).toEqual(a);
    expect(hits.filter((h) => h === "/json").length).toBe(before + 1);
  });
});

describe("isPrivateAddress", () => {
  it("should flag loopback, private, link-local, CGNAT, multicast and unspecified addresses", () => {
    for (const ip of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "::1", "::", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "not-an-ip"]) {
      expect(isPrivateAddress(ip)).toBe(true);
    }
    for (const ip of ["8.8.8.8", "172.32.0.1", "100.128.0.1", "1.1.1.1", "2606:4700::1111", "::ffff:8.8.8.8"]) expect(isPrivateAddress(ip)).toBe(false);
  });
});

describe("htmlToText", () => {
  it("should keep unknown entities, drop an unterminated script and collapse whitespace", () => {
    expect(htmlToText("<p>a&unknown;b</p>\n\n\n\n<p>c   d</p><script>x")).toBe("a&unknown;b\n\nc d");
  });
});
