/**
 * @module Layer 13 with a real file watcher: a SKILL.md edited on disk is picked up (the test awaits the watcher's
 * next reload, no sleeps); a widening edit is refused and logged, the running allowlist kept; a narrowing edit is
 * swapped in with its diff logged.
 */
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, it } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SemanticSkills } from "../../../src/extensions/skills/skills.ts";
import { watchSkills } from "../../../src/extensions/skills/watcher.ts";
import { fakePorts, testConfig } from "./fake-ports.ts";

const ws = mkdtempSync(join(tmpdir(), "mayros-skills-watch-"));
afterAll(() => rmSync(ws, { recursive: true, force: true }));
const file = join(ws, "skills", "a", "SKILL.md");
const write = (tools: string) => writeFileSync(file, `---\nname: a\ntype: semantic\nsemantic:\n  allowedTools: [${tools}]\n---\n`);

describe("hot reload through the watcher", () => {
  it("should refuse a widened allowlist and swap in a narrowed one, logging both", async () => {
    mkdirSync(join(ws, "skills", "a"), { recursive: true });
    write("skill_graph_query, read_file");
    const config = testConfig(ws, { hotReload: true });
    const logs: string[] = [];
    const log = (level: string, message: string) => void logs.push(`${level} ${message}`);
    const service = new SemanticSkills(config, new Database(":memory:"), fakePorts(), log);
    await service.registry.ensureLoaded();
    const watcher = watchSkills(config.skillDirs, service.registry, log);
    try {
      let reloaded = watcher.nextReload();
      write("skill_graph_query, read_file, exec");
      expect((await reloaded).refused).toEqual([{ skill: "a", reason: "allowedTools widened: exec" }]);
      expect(service.registry.active.get("a")!.manifest.allowedTools).toEqual(["skill_graph_query", "read_file"]);
      reloaded = watcher.nextReload();
      write("read_file");
      expect((await reloaded).refused).toEqual([]);
      expect(service.registry.active.get("a")!.manifest.allowedTools).toEqual(["read_file"]);
      expect(logs).toContain("warn hot reload refused for skill a: allowedTools widened: exec");
      expect(logs.at(-1)).toBe("info hot reload: skill a changed");
    } finally {
      watcher.close();
    }
  });
});
