/**
 * @module The control UI and WebChat bundle: `assets/ui/index.html` and `chat.html` with their
 * TypeScript and CSS, bundled by `Bun.build` into pages plus content-hashed scripts and styles.
 * The gateway bundles on first request when run from source; `bun run build` writes the bundle to a
 * folder that is embedded into the binary (`--asset`), read back by {@link readUiBundle}.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** URL prefix of the hashed scripts and styles. */
export const UI_ASSET_PREFIX = "/ui/";
/** The pages of the bundle, by file name. */
export const UI_PAGES = ["index.html", "chat.html"] as const;

/** One file of the bundle. */
export interface UiFile {
  body: Uint8Array;
  /** Content-Type with charset. */
  type: string;
  /** Strong ETag (quoted) of the body. */
  etag: string;
}

/** The bundled files by name: the pages (`index.html`, `chat.html`) and the hashed assets they load. */
export type UiBundle = ReadonlyMap<string, UiFile>;

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
};

function uiFile(name: string, body: Uint8Array): UiFile {
  const ext = name.slice(name.lastIndexOf(".") + 1);
  const etag = `"${new Bun.CryptoHasher("sha256").update(body).digest("hex").slice(0, 32)}"`;
  return { body, type: TYPES[ext] ?? "application/octet-stream", etag };
}

/**
 * Bundles the pages under `sourceDir` (minified, browser target).
 * @throws {Error} naming the first build problem when a page or script does not bundle.
 */
export async function buildUiBundle(sourceDir: string): Promise<UiBundle> {
  let result: Awaited<ReturnType<typeof Bun.build>>;
  try {
    result = await Bun.build({
      entrypoints: UI_PAGES.map((page) => join(sourceDir, page)),
      target: "browser",
      minify: true,
      publicPath: UI_ASSET_PREFIX,
      naming: { entry: "[name].[ext]", chunk: "[name]-[hash].[ext]", asset: "[name]-[hash].[ext]" },
    });
  } catch (err) {
    throw new Error(`control UI bundle failed: ${(err as Error).message}`, { cause: err });
  }
  if (!result.success) throw new Error(`control UI bundle failed: ${result.logs.map(String).join("; ")}`);
  const files = new Map<string, UiFile>();
  for (const output of result.outputs) {
    const name = output.path.replace(/^\.\//, "");
    files.set(name, uiFile(name, new Uint8Array(await output.arrayBuffer())));
  }
  return files;
}

/** Writes a bundle's files flat into `dir` (for embedding with `--asset=<dir>`). */
export function writeUiBundle(bundle: UiBundle, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, file] of bundle) writeFileSync(join(dir, name), file.body);
}

/** Reads a bundle written by {@link writeUiBundle}, or null when `dir` holds no pages. */
export function readUiBundle(dir: string): UiBundle | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  if (!UI_PAGES.every((page) => names.includes(page))) return null;
  return new Map(names.map((name) => [name, uiFile(name, new Uint8Array(readFileSync(join(dir, name))))]));
}
