/** @module The file tools `read`, `write`, `edit`, `list`, confined to the agent workspace (symlinks included). */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import type { Tool, ToolResult } from "./registry.ts";

/** Largest file `read` returns whole. */
const MAX_READ_CHARS = 100_000;

/** Resolves `path` inside `workspace`, or explains why it is refused. */
export function confine(workspace: string, path: unknown): { path: string } | { error: string } {
  if (typeof path !== "string" || path.length === 0) return { error: "path is required" };
  if (path.includes("\0")) return { error: "path contains a NUL byte" };
  const root = realpathSync(workspace);
  const target = resolve(root, path);
  const rel = relative(root, target);
  if (rel.startsWith("..") || isAbsolute(rel)) return { error: `path is outside the workspace: ${path}` };
  // The deepest existing ancestor must also resolve inside (a symlink must not lead out).
  let probe = target;
  while (!existsSync(probe)) probe = dirname(probe);
  const real = relative(root, realpathSync(probe));
  if (real.startsWith("..") || isAbsolute(real)) return { error: `path leads outside the workspace: ${path}` };
  return { path: target };
}

const fail = (content: string): ToolResult => ({ content, isError: true });
const str = { type: "string" } as const;

/** The four file tools. */
export function fileTools(): Tool[] {
  return [
    {
      name: "read", group: "group:fs", description: "Read a text file from the workspace.",
      inputSchema: { type: "object", properties: { path: str }, required: ["path"] },
      async execute(input, ctx) {
        const p = confine(ctx.workspace, input.path);
        if ("error" in p) return fail(p.error);
        if (!existsSync(p.path) || !statSync(p.path).isFile()) return fail(`no such file: ${String(input.path)}`);
        const text = readFileSync(p.path, "utf8");
        return { content: text.length > MAX_READ_CHARS ? `${text.slice(0, MAX_READ_CHARS)}\n[… truncated]` : text };
      },
    },
    {
      name: "write", group: "group:fs", description: "Create or overwrite a text file in the workspace.",
      inputSchema: { type: "object", properties: { path: str, content: str }, required: ["path", "content"] },
      async execute(input, ctx) {
        const p = confine(ctx.workspace, input.path);
        if ("error" in p) return fail(p.error);
        if (typeof input.content !== "string") return fail("content must be a string");
        mkdirSync(dirname(p.path), { recursive: true });
        writeFileSync(p.path, input.content);
        return { content: `wrote ${input.content.length} characters to ${String(input.path)}` };
      },
    },
    {
      name: "edit", group: "group:fs", description: "Replace one exact occurrence of old_text with new_text in a workspace file.",
      inputSchema: { type: "object", properties: { path: str, old_text: str, new_text: str }, required: ["path", "old_text", "new_text"] },
      async execute(input, ctx) {
        const p = confine(ctx.workspace, input.path);
        if ("error" in p) return fail(p.error);
        if (!existsSync(p.path)) return fail(`no such file: ${String(input.path)}`);
        const text = readFileSync(p.path, "utf8");
        const oldText = String(input.old_text ?? "");
        const count = oldText ? text.split(oldText).length - 1 : 0;
        if (count !== 1) return fail(`old_text must occur exactly once (found ${count})`);
        writeFileSync(p.path, text.replace(oldText, String(input.new_text ?? "")));
        return { content: `edited ${String(input.path)}` };
      },
    },
    {
      name: "list", group: "group:fs", description: "List a workspace directory.",
      inputSchema: { type: "object", properties: { path: str } },
      async execute(input, ctx) {
        const p = confine(ctx.workspace, input.path ?? ".");
        if ("error" in p) return fail(p.error);
        if (!existsSync(p.path) || !statSync(p.path).isDirectory()) return fail(`no such directory: ${String(input.path ?? ".")}`);
        const entries = readdirSync(p.path, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
        return { content: entries.join("\n") || "(empty)" };
      },
    },
  ];
}
