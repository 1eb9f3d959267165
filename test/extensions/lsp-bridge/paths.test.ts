/** Workspace paths of the LSP bridge: relative, absolute and file:// paths inside; `..`, outside and symlinks out refused. */
import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileUri, languageIdOf, PathError, resolveInWorkspace, serverRoot } from "../../../src/extensions/lsp-bridge/paths.ts";

const root = mkdtempSync(join(tmpdir(), "mayros-lsp-paths-"));
const workspace = join(root, "ws");
mkdirSync(join(workspace, "src"), { recursive: true });
writeFileSync(join(workspace, "src/a.ts"), "");
writeFileSync(join(root, "secret.ts"), "");
symlinkSync(join(root, "secret.ts"), join(workspace, "src/link.ts"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("resolveInWorkspace", () => {
  it("should resolve relative, absolute and file:// paths inside the workspace", () => {
    const a = join(workspace, "src/a.ts");
    expect(resolveInWorkspace(workspace, "src/a.ts")).toBe(a);
    expect(resolveInWorkspace(workspace, a)).toBe(a);
    expect(resolveInWorkspace(workspace, fileUri(a))).toBe(a);
  });

  it("should refuse paths leaving the workspace, also through a symlink", () => {
    expect(() => resolveInWorkspace(workspace, "../secret.ts")).toThrow(PathError);
    expect(() => resolveInWorkspace(workspace, join(root, "secret.ts"))).toThrow(`is outside the workspace ${workspace}`);
    expect(() => resolveInWorkspace(workspace, "src/link.ts")).toThrow("src/link.ts leads outside the workspace");
    expect(() => resolveInWorkspace(workspace, "../ws-other/x.ts")).toThrow(PathError);
  });
});

describe("serverRoot and languageIdOf", () => {
  it("should take the root from a URI or a workspace-relative path, and the languageId from the extension", () => {
    expect(serverRoot(workspace, undefined)).toBe(workspace);
    expect(serverRoot(workspace, "src")).toBe(join(workspace, "src"));
    expect(serverRoot(workspace, fileUri("/srv/project"))).toBe("/srv/project");
    expect(languageIdOf("/x/a.tsx", "typescript")).toBe("typescriptreact");
    expect(languageIdOf("/x/a.js", "typescript")).toBe("javascript");
    expect(languageIdOf("/x/a.py", "python")).toBe("python");
  });
});
