/**
 * @module The Semantic Skills plugin (`semantic-skills`, kind `skills`; extensions.md §9–§10). Skills are folders
 * `<workspace>/skills/<name>/SKILL.md` (+ `skillDirs`) with `type: semantic`. Before each agent run the skills are
 * loaded once (code through the scanner and the sandbox) and their declared queries are put before the user's
 * message; before_tool_call applies the allowlist intersection, the calling skill, permissions and limits;
 * after_tool_call audits asserts and proofs. Registration does no I/O (the CLI registers plugins too).
 */
import { mkdirSync } from "node:fs";
import type { MayrosPluginApi } from "../../plugins/api.ts";
import { registerSkillsCli } from "./cli.ts";
import { readSkillsConfig } from "./config.ts";
import { registerSkillMethods } from "./methods.ts";
import type { SkillPorts } from "./ports.ts";
import { SemanticSkills, type SkillsLog } from "./skills.ts";
import { registerSkillTools } from "./tools.ts";
import { logReload, watchSkills, type SkillWatcher } from "./watcher.ts";

/**
 * The plugin's register function.
 * @param ports the sandbox and security functions (see wiring.ts for the real ones)
 */
export function semanticSkillsPlugin(ports: () => Promise<SkillPorts>): (api: MayrosPluginApi) => void {
  return (api) => {
    const config = readSkillsConfig(api.pluginConfig, api.runtime.workspaceDir);
    const log: SkillsLog = (level, message, fields) => api.logger[level](message, fields);
    let created: SemanticSkills | undefined;
    let watcher: SkillWatcher | undefined;
    let opening: Promise<SemanticSkills> | undefined;
    /** Opens the service once, however many callers race (the service start and the first run). */
    const open = () => (opening ??= ports().then((p) => (created = new SemanticSkills(config, api.runtime.database(), p, log))));
    const skills = () => {
      if (!created) throw new Error("semantic-skills is not started");
      return created;
    };

    api.on("before_agent_start", async (_event, ctx) => {
      const prependContext = await (await open()).beforeAgentStart(ctx.agentId ?? "main");
      return prependContext ? { prependContext } : undefined;
    });
    api.on("before_tool_call", (event) => {
      const refusal = created?.gate(event.toolName, event.params);
      return refusal ? { block: true, blockReason: `[semantic-skills ${refusal.layer}] ${refusal.reason}` } : undefined;
    });
    api.on("after_tool_call", (event) => created?.afterToolCall(event.toolName, event.params, event.result, event.error));
    registerSkillTools(api, skills);
    registerSkillMethods(api, skills);
    registerSkillsCli(api);
    api.registerService({
      id: "semantic-skills",
      start: async () => {
        const s = await open();
        await s.registry.ensureLoaded();
        logReload({ active: [], refused: [], changed: [], failures: [...s.registry.failures] }, log);
        if (config.hotReload) {
          mkdirSync(config.installRoot, { recursive: true }); // watched from the start, so a first install is seen
          watcher = watchSkills(config.skillDirs, s.registry, log);
        }
        api.logger.info("semantic skills started", { active: [...s.registry.active.keys()], hotReload: config.hotReload });
      },
      stop: async () => {
        watcher?.close();
        await created?.registry.close();
      },
    });
  };
}

export default { id: "semantic-skills", register: semanticSkillsPlugin(() => import("./wiring.ts").then((m) => m.realPorts())) };
