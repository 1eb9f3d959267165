/**
 * @module Where a file the agent names lives: resolved against the workspace, refused when it leaves the workspace
 * (symlinks followed) or the server's root, and mapped to its `file://` URI and LSP languageId.
 */
import { realpathSync } from "node:fs";
import { extname, isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** LSP languageIds that differ from the server's language name, by extension. */
const LANGUAGE_IDS: Record<string, string> = {
  ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "typescriptreact",
  ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascriptreact",
};

/** A file path refused or not understood; the message is for the agent (a bad request to a gateway method). */
export class PathError extends Error {
  readonly code = "INVALID_REQUEST";
}

/** `path` with symlinks resolved as far as they exist (a file not yet created keeps its name). */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** True when `child` is `parent` or inside it. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * The absolute path of `path` (relative to `workspace`, or absolute, or a `file://` URI).
 * @throws {PathError} when it is outside the workspace
 */
export function resolveInWorkspace(workspace: string, path: string): string {
  const abs = path.startsWith("file://") ? fileURLToPath(path) : resolve(workspace, path);
  if (!isInside(workspace, abs)) throw new PathError(`${path} is outside the workspace ${workspace}`);
  if (!isInside(real(workspace), real(abs))) throw new PathError(`${path} leads outside the workspace ${workspace} (through a symlink)`);
  return abs;
}

/** The root directory of a server: its `rootUri` (URI or path relative to the workspace), else the workspace. */
export function serverRoot(workspace: string, rootUri: string | undefined): string {
  if (rootUri === undefined) return workspace;
  return rootUri.startsWith("file://") ? fileURLToPath(rootUri) : resolve(workspace, rootUri);
}

/** The `file://` URI of an absolute path. */
export function fileUri(path: string): string {
  return pathToFileURL(path).href;
}

/** The absolute path of a `file://` URI. */
export function uriPath(uri: string): string {
  return fileURLToPath(uri);
}

/** The lower-case extension of a path, with the dot. */
export function extensionOf(path: string): string {
  return extname(path).toLowerCase();
}

/** The LSP languageId of a file served by the server of `language`. */
export function languageIdOf(path: string, language: string): string {
  return LANGUAGE_IDS[extensionOf(path)] ?? language;
}

/** `path` relative to the workspace when inside it (for messages), else as is. */
export function displayPath(workspace: string, path: string): string {
  return isInside(workspace, path) ? relative(workspace, path) || "." : path;
}
