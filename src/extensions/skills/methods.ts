/**
 * @module The gateway methods behind `mayros skills`: `skills.list`, `skills.status`, `skills.audit` (operator.read),
 * `skills.validate`, `skills.test` (operator.write), `skills.install`, `skills.remove`, `skills.reload`
 * (operator.admin). A refused skill or install is `INVALID_REQUEST` with the layer in its message.
 */
import type { MayrosPluginApi } from "../../plugins/api.ts";
import type { SemanticSkills } from "./skills.ts";

/** An error the protocol reports as INVALID_REQUEST. */
const invalid = (err: unknown) => Object.assign(new Error(`${(err as { layer?: string }).layer ? `[${(err as { layer: string }).layer}] ` : ""}${(err as Error).message}`), { code: "INVALID_REQUEST" });

/** Registers the `skills.*` methods; `skills` is resolved when a method runs. */
export function registerSkillMethods(api: MayrosPluginApi, skills: () => SemanticSkills): void {
  const { Type } = api;
  const none = Type.Object({}, { additionalProperties: false });
  const byDir = Type.Object({ dir: Type.String({ minLength: 1 }) }, { additionalProperties: false });
  const guarded = <T>(run: () => Promise<T> | T) => async () => {
    try {
      return await run();
    } catch (err) {
      throw invalid(err);
    }
  };
  api.registerGatewayMethod("skills.list", { scope: "operator.read", params: none, handler: async () => {
    await skills().registry.ensureLoaded();
    return { skills: skills().list() };
  } });
  api.registerGatewayMethod("skills.status", { scope: "operator.read", params: none, handler: async () => {
    const s = skills();
    await s.registry.ensureLoaded();
    return { namespace: s.config.agentNamespace, skillDirs: s.config.skillDirs, hotReload: s.config.hotReload, active: s.list().map((k) => k.name), failures: s.registry.failures };
  } });
  api.registerGatewayMethod("skills.audit", {
    scope: "operator.read",
    params: Type.Object({ skill: Type.Optional(Type.String()), operation: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }),
    handler: (p) => ({ entries: skills().audit.list(p as { skill?: string; operation?: string; limit?: number }) }),
  });
  api.registerGatewayMethod("skills.validate", { scope: "operator.write", params: byDir, handler: (p) => guarded(() => skills().validate(String(p.dir)))() });
  api.registerGatewayMethod("skills.test", { scope: "operator.write", params: byDir, handler: (p) => guarded(() => skills().test(String(p.dir)))() });
  api.registerGatewayMethod("skills.install", {
    scope: "operator.admin",
    params: Type.Object({ source: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    handler: (p) => guarded(() => skills().install(String(p.source)))(),
  });
  api.registerGatewayMethod("skills.remove", {
    scope: "operator.admin",
    params: Type.Object({ slug: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
    handler: (p) => guarded(() => skills().remove(String(p.slug)))(),
  });
  api.registerGatewayMethod("skills.reload", { scope: "operator.admin", params: none, handler: () => skills().registry.reload(true) });
}
