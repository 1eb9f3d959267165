/**
 * @module Dot paths into the config for `mayros config get|set|unset`: `gateway.port`,
 * `channels.telegram.botToken`, `gateway.trustedProxies[0]`, `models.providers["my.host"].apiKey`.
 */
import { isJsonObject, setOwn, type JsonObject } from "../config/merge-patch.ts";
import { CliError, ExitCode } from "./errors.ts";

/** One step of a path: an object key or an array index. */
export type PathSegment = string | number;

/**
 * Parses a dot path into segments.
 * @throws {CliError} exit 2 naming the position of a syntax error.
 * @example parseConfigPath('a.b[0]["c.d"]') // ["a", "b", 0, "c.d"]
 */
export function parseConfigPath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  const bad = (why: string, at: number) => new CliError(`config path "${path}": ${why} at character ${at + 1}`, ExitCode.USAGE);
  let i = 0;
  while (i < path.length) {
    if (path[i] === "[") {
      const close = path.indexOf("]", i);
      if (close < 0) throw bad("unclosed [", i);
      const inner = path.slice(i + 1, close);
      if (/^\d+$/.test(inner)) segments.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) segments.push(JSON.parse(inner) as string);
      else throw bad('expected [<index>] or ["<key>"]', i);
      i = close + 1;
      if (i < path.length && path[i] !== "." && path[i] !== "[") throw bad('expected "." or "["', i);
      if (path[i] === ".") i++;
      if (i === path.length && path.endsWith(".")) throw bad("empty key", i - 1);
      continue;
    }
    const end = path.slice(i).search(/[.[]/);
    const key = end < 0 ? path.slice(i) : path.slice(i, i + end);
    if (key === "") throw bad("empty key", i);
    segments.push(key);
    i += key.length;
    if (path[i] === ".") {
      i++;
      if (i === path.length) throw bad("empty key", i - 1);
    }
  }
  if (segments.length === 0) throw new CliError("config path is empty: give one such as gateway.port", ExitCode.USAGE);
  return segments;
}

/** Formats segments back into the dotted form used in messages. */
export function formatConfigPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (/^[A-Za-z0-9_$*-]+$/.test(s)) out += out === "" ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** The value at `segments` in `root`, or `found: false`. */
export function getAtPath(root: unknown, segments: readonly PathSegment[]): { found: boolean; value?: unknown } {
  let node = root;
  for (const s of segments) {
    if (typeof s === "number" ? !(Array.isArray(node) && s < node.length) : !(isJsonObject(node) && Object.hasOwn(node, s))) return { found: false };
    node = typeof s === "number" ? (node as unknown[])[s] : (node as JsonObject)[s];
  }
  return { found: true, value: node };
}

/**
 * Returns a copy of `root` with `value` at `segments`, creating missing objects (or arrays before an
 * index) on the way; an index may be at most the array's length (that appends).
 * @throws {CliError} exit 2 when a step goes through a value that is not an object or array.
 */
export function setAtPath(root: unknown, segments: readonly PathSegment[], value: unknown): JsonObject {
  const copy = structuredClone(isJsonObject(root) ? root : {});
  let node: unknown = copy;
  segments.forEach((s, i) => {
    const last = i === segments.length - 1;
    const here = formatConfigPath(segments.slice(0, i));
    const next = segments[i + 1];
    const child = last ? value : undefined;
    if (typeof s === "number") {
      if (!Array.isArray(node)) throw new CliError(`${here} is not a list, so [${s}] cannot be set`, ExitCode.USAGE);
      if (s > node.length) throw new CliError(`${here} has ${node.length} item(s): index ${s} is past the end (use ${node.length} to append)`, ExitCode.USAGE);
      if (last) node[s] = child;
      else if (!isContainer(node[s])) node[s] = typeof next === "number" ? [] : {};
      node = node[s];
    } else {
      if (!isJsonObject(node)) throw new CliError(`${here || "(root)"} is not an object, so "${s}" cannot be set in it`, ExitCode.USAGE);
      if (last) setOwn(node, s, child);
      else if (!isContainer(node[s])) setOwn(node, s, typeof next === "number" ? [] : {});
      node = node[s];
    }
  });
  return copy;
}

/**
 * Returns a copy of `root` without the value at `segments` (an array item is spliced out), or
 * undefined when nothing is there.
 */
export function unsetAtPath(root: unknown, segments: readonly PathSegment[]): JsonObject | undefined {
  if (!getAtPath(root, segments).found || !isJsonObject(root)) return undefined;
  const copy = structuredClone(root);
  const parent = getAtPath(copy, segments.slice(0, -1)).value;
  const last = segments[segments.length - 1]!;
  if (typeof last === "number") (parent as unknown[]).splice(last, 1);
  else delete (parent as JsonObject)[last];
  return copy;
}

function isContainer(value: unknown): boolean {
  return Array.isArray(value) || isJsonObject(value);
}
