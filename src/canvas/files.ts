/**
 * @module Path-confined file resolution under a root directory, and content types by extension.
 * Everything that could step outside the root is refused rather than normalised away.
 */
import { realpathSync, statSync, type Stats } from "node:fs";
import { extname, isAbsolute, join, relative, resolve } from "node:path";

/** A file found by {@link resolveFile}. */
export interface ResolvedFile {
  /** Real path of the file (symlinks resolved), inside the real root. */
  path: string;
  /**
   * True when the request named a directory without a trailing slash: serve a redirect to
   * `…/` instead, so relative links in its `index.html` resolve against the directory.
   */
  needsSlash: boolean;
}

/** How many rounds of percent-decoding are tried before a path counts as hostile. */
const MAX_DECODE_ROUNDS = 3;
// NUL, the other C0 controls and DEL never belong in a served file name.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const DRIVE_LETTER = /^[A-Za-z]:/;

/**
 * Decodes a URL path until it is stable, so `%252e%252e` is seen as `..` and refused rather than
 * served as a file literally named `%2e%2e`. A file name containing a bare `%` is therefore refused.
 */
function decodePath(raw: string): string | null {
  let current = raw;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    if (!current.includes("%")) return current;
    try {
      current = decodeURIComponent(current);
    } catch {
      return null;
    }
  }
  // Still encoded after several rounds: deliberately layered, refuse.
  return current.includes("%") ? null : current;
}

/**
 * Turns a URL path (relative to the mount point, percent-encoded or not) into safe path segments.
 * @returns null for traversal, absolute forms, backslashes, control characters or bad encoding.
 */
export function safeSegments(urlPath: string): string[] | null {
  const decoded = decodePath(urlPath);
  if (decoded === null || CONTROL_CHARS.test(decoded) || decoded.includes("\\")) return null;
  const relativePart = decoded.startsWith("/") ? decoded.slice(1) : decoded;
  if (relativePart.startsWith("/") || DRIVE_LETTER.test(relativePart)) return null;
  const segments: string[] = [];
  for (const segment of relativePart.split("/")) {
    if (segment === "..") return null;
    if (segment === "" || segment === ".") continue;
    segments.push(segment);
  }
  return segments;
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function realpathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

function isInside(root: string, candidate: string): boolean {
  if (candidate === root) return true;
  const rel = relative(root, candidate);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/**
 * Resolves `urlPath` to a regular file under `root`. A directory resolves to its `index.html`.
 * Refuses `..` segments (plain, `%2e%2e`, `%252e%252e`), encoded separators that decode into
 * traversal (`..%2f`, `%5c`), backslashes, absolute forms (`//etc/passwd`, `C:`), NUL and other
 * control characters, and any file whose real path (after symlinks) lies outside the real root.
 * @param root - the directory to confine to; it may itself be reached through a symlink.
 * @param urlPath - the request path below the mount point, still percent-encoded, e.g. `/sub/app.js`.
 * @returns the file and whether a trailing-slash redirect is due; null when refused or missing.
 */
export function resolveFile(root: string, urlPath: string): ResolvedFile | null {
  const segments = safeSegments(urlPath);
  if (segments === null) return null;
  const absRoot = resolve(root);
  let candidate = join(absRoot, ...segments);
  if (!isInside(absRoot, candidate)) return null;
  const realRoot = realpathOrNull(absRoot);
  if (realRoot === null) return null;

  let stats = statOrNull(candidate);
  let needsSlash = false;
  if (stats?.isDirectory()) {
    needsSlash = !urlPath.endsWith("/");
    candidate = join(candidate, "index.html");
    stats = statOrNull(candidate);
  }
  if (!stats?.isFile()) return null;

  const real = realpathOrNull(candidate);
  if (real === null || real === realRoot || !isInside(realRoot, real)) return null;
  return { path: real, needsSlash };
}

/**
 * Resolves `urlPath` to a file confined to `root` (see {@link resolveFile} for what is refused).
 * @returns the real path of the file, or null when refused or missing.
 * @example resolveInRoot("/home/me/.mayros/canvas", "/") // "/home/me/.mayros/canvas/index.html"
 */
export function resolveInRoot(root: string, urlPath: string): string | null {
  return resolveFile(root, urlPath)?.path ?? null;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".htm": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
  ".wasm": "application/wasm",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

/**
 * The `Content-Type` for a file name, by extension (case-insensitive).
 * @returns `application/octet-stream` for anything unknown.
 */
export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

/** Whether a file is served as HTML (and so gets the page script injected). */
export function isHtmlPath(path: string): boolean {
  const ext = extname(path).toLowerCase();
  return ext === ".html" || ext === ".htm";
}
