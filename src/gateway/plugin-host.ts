/**
 * @module The gateway side of the plugin system: loads the plugins of the config, turns their tools into agent
 * tools, their providers into model providers, their HTTP routes into one Hono app (token-guarded as each route
 * asks), and starts / stops their services with the gateway. Gateway methods, hooks, chat commands and channels are
 * read from the registry by the dispatcher, the agent, the channel router and the channel manager.
 */
import { Hono } from "hono";
import { Type } from "@sinclair/typebox";
import type { LoadedConfig } from "../config/index.ts";
import { createConfigService } from "../config/index.ts";
import type { Logger } from "../logging/logger.ts";
import { openDatabase } from "../store/db.ts";
import type { GatewayStatsSnapshot, PluginGatewayMethod, PluginServiceContext } from "../plugins/api.ts";
import { loadPlugins, type LoadedPlugins, type PluginsSection } from "../plugins/loader.ts";
import type { PluginRegistry } from "../plugins/registry.ts";
import type { Tool } from "../agent/tools/registry.ts";
import type { MethodSpec } from "../protocol/index.ts";
import { safeEqual } from "../crypto/primitives.ts";
import { clientOrigin } from "./net.ts";

type ServerEnv = { server?: { requestIP(req: Request): { address: string } | null } } | undefined;

/**
 * Loads the configured plugins of `loaded` (in the gateway, and in the CLI for plugin commands): their databases,
 * config reads and validated config patches go through the host; `call` reaches the gateway's methods.
 */
export async function loadConfiguredPlugins(o: {
  loaded: LoadedConfig; workspace: string; log: Logger;
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  gatewayStats?(): GatewayStatsSnapshot | undefined;
}): Promise<LoadedPlugins> {
  const configService = createConfigService(o.loaded);
  return loadPlugins(o.loaded.config.plugins as PluginsSection, {
    stateDir: o.loaded.paths.stateDir, workspaceDir: o.workspace, config: o.loaded.config,
    log: o.log, openDatabase: (path) => openDatabase(path, { migrations: [] }),
    readConfig: () => configService.get().config,
    patchConfig: async (patch) => { configService.write("patch", JSON.stringify(patch), configService.get().hash); },
    call: o.call,
    ...(o.gatewayStats && { gatewayStats: o.gatewayStats }),
  });
}

/** The plugin tools as agent tools, in the policy group `group:plugin:<id>` (so `tools.deny: ["group:plugin:<id>"]` hides them all). */
export function pluginTools(registry: PluginRegistry): Tool[] {
  return registry.tools.map(({ pluginId, tool }): Tool => ({
    name: tool.name, description: tool.description, inputSchema: tool.parameters as unknown as Record<string, unknown>, group: `group:plugin:${pluginId}`,
    async execute(input, ctx) {
      const result = await tool.execute(crypto.randomUUID(), input, { sessionKey: ctx.sessionKey, workspaceDir: ctx.workspace, signal: ctx.signal });
      return { content: result.content.map((c) => c.text).join("\n"), ...(result.isError && { isError: true }) };
    },
  }));
}

const ANY_PARAMS = Type.Object({}, { additionalProperties: true });

/** The dispatch spec of a plugin gateway method: operator role, its declared scope (default admin). */
export function pluginMethodSpec(method: PluginGatewayMethod): MethodSpec {
  return { params: method.params ?? ANY_PARAMS, result: Type.Unknown(), role: "operator", scope: method.scope ?? "operator.admin", summary: "plugin method" } as MethodSpec;
}

/**
 * One Hono app with every plugin HTTP route; `auth: "always"` routes (and `"non-loopback"` ones when the gateway is
 * not bound to loopback, the default) need `Authorization: Bearer <gateway token>`.
 */
export function pluginRoutes(registry: PluginRegistry, o: { token(): string | undefined; loopbackBind: boolean; trustedProxies: readonly string[] }): Hono | null {
  if (registry.routes.length === 0) return null;
  const app = new Hono();
  for (const route of registry.routes) {
    const methods = route.methods ?? ["GET"];
    app.on(methods, route.path, async (c) => {
      const mode = route.auth ?? "non-loopback";
      const remote = (c.env as ServerEnv)?.server?.requestIP(c.req.raw)?.address;
      const local = remote !== undefined && clientOrigin(remote, c.req.raw.headers, o.trustedProxies).isLoopback;
      const needed = mode === "always" || (mode === "non-loopback" && (!o.loopbackBind || !local));
      if (needed) {
        const token = o.token();
        const given = /^Bearer (.+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
        if (!token || !given || !safeEqual(given, token)) return c.json({ error: "unauthorized" }, 401, { "www-authenticate": "Bearer" });
      }
      return route.handler(c.req.raw);
    });
  }
  return app;
}

/** Starts every plugin service (each in isolation) and returns the stop of them all. */
export async function startPluginServices(registry: PluginRegistry, ctx: Omit<PluginServiceContext, "logger">, log: Logger): Promise<() => Promise<void>> {
  const started: typeof registry.services = [];
  for (const entry of registry.services) {
    const context = { ...ctx, logger: log.child(`plugin:${entry.pluginId}`) };
    try {
      await entry.service.start(context);
      started.push(entry);
    } catch (e) {
      log.warn("plugin service failed to start", { plugin: entry.pluginId, service: entry.service.id, error: (e as Error).message ?? String(e) });
    }
  }
  return async () => {
    for (const entry of started.reverse()) {
      try {
        await entry.service.stop?.({ ...ctx, logger: log.child(`plugin:${entry.pluginId}`) });
      } catch (e) {
        log.warn("plugin service failed to stop", { plugin: entry.pluginId, service: entry.service.id, error: (e as Error).message ?? String(e) });
      }
    }
  };
}
