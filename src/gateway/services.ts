/** @module Builds the long-lived services of one gateway from its config, database and logger. */
import type { Database } from "bun:sqlite";
import { join } from "node:path";
import { AgentService } from "../agent/agent-service.ts";
import { readIdentity } from "../agent/identity.ts";
import { createProviderRegistry, type ProviderRegistry } from "../agent/providers/registry.ts";
import type { PluginRegistry } from "../plugins/registry.ts";
import { pluginTools } from "./plugin-host.ts";
import { GatewayStats } from "./stats.ts";
import { RunRegistry } from "../agent/run-registry.ts";
import { ExecApprovals } from "../agent/approvals/service.ts";
import { cronTool } from "../agent/tools/cron-tool.ts";
import { execTool } from "../agent/tools/exec.ts";
import { fileTools } from "../agent/tools/fs.ts";
import { messageTool } from "../agent/tools/message.ts";
import { sessionsTools } from "../agent/tools/sessions-tools.ts";
import { webFetchTool } from "../agent/tools/web-fetch.ts";
import { settingsRepo } from "../store/index.ts";
import { ToolRegistry } from "../agent/tools/registry.ts";
import { ensureWorkspace } from "../agent/workspace.ts";
import { SessionLanes } from "../sessions/lane.ts";
import { SessionStore } from "../sessions/store.ts";
import { runEventSink, toolEventAudience } from "./run-event-sink.ts";
import { createAutomation } from "../cron/automation.ts";
import { createConfigService, type LoadedConfig } from "../config/index.ts";
import { PairingStore } from "../devices/pairing-store.ts";
import type { Logger } from "../logging/logger.ts";
import { NodePairingStore } from "../nodes/pairing-store.ts";
import { NodeRegistry } from "../nodes/registry.ts";
import { liveNodeCommandPolicy } from "./node-policy.ts";
import { VERSION, COMMIT } from "../version.ts";
import { ChannelManager, type ChannelFactory } from "../channels/manager.ts";
import { createChannelAuthStore } from "../channels/auth-store.ts";
import { ChannelPairingStore } from "../channels/pairing-store.ts";
import { Broadcaster } from "./broadcast.ts";
import type { CanvasHost } from "./canvas-host.ts";
import type { GatewayServices } from "./context.ts";
import { HealthMonitor } from "./health.ts";
import { PresenceRegistry } from "./presence.ts";
import { ConnectionRegistry } from "./registry.ts";

/** What {@link createServices} is built from. */
export interface ServiceInputs {
  loaded: LoadedConfig;
  db: Database;
  log: Logger;
  logFile: string;
  host: string;
  canvas: CanvasHost;
  /** Channel adapter factories replacing the built-in ones (tests). */
  channelFactories?: Record<string, ChannelFactory>;
  /** What the loaded plugins registered. */
  plugins?: PluginRegistry;
}

/** The agent workspace of a config (`agents.defaults.workspace`, else `<state>/workspace`). */
export function workspaceOf(loaded: LoadedConfig): string {
  return loaded.config.agents.defaults.workspace ?? join(loaded.paths.stateDir, "workspace");
}

/** A provider registry that answers plugin providers' ids first. */
function withPluginProviders(base: ProviderRegistry, plugins: PluginRegistry | undefined): ProviderRegistry {
  if (!plugins?.providers.size) return base;
  return { ...base, get: (id) => plugins.providers.get(id) ?? base.get(id) };
}

/** Creates the services; `listen.port` is updated once the server is bound. */
export function createServices({ loaded, db, log, logFile, host, canvas, channelFactories, plugins }: ServiceInputs): GatewayServices {
  const { config, paths, authMode } = loaded;
  const bootId = crypto.randomUUID();
  const registry = new ConnectionRegistry();
  const presence = new PresenceRegistry(VERSION, bootId);
  const health = new HealthMonitor();
  const broadcaster = new Broadcaster(registry);
  const workspace = workspaceOf(loaded);
  ensureWorkspace(workspace);
  const sessions = new SessionStore(db);
  const lanes = new SessionLanes({
    settings: config.messages.queue,
    settingsFor: (key) => sessions.get(key),
    onError: (key, error) => log.warn("session lane error", { key, error: (error as Error).message ?? String(error) }),
  });
  const runs = new RunRegistry();
  const tools = new ToolRegistry();
  for (const tool of fileTools()) tools.register(tool);
  const execConfig = config.agents.defaults.tools.exec;
  const execApprovals = new ExecApprovals({
    settings: settingsRepo(db), broadcast: (event, payload) => broadcaster.broadcast(event, payload),
    log: log.child("approvals"), defaultTimeoutMs: execConfig.approvalTimeoutMs,
  });
  for (const tool of [webFetchTool(), ...sessionsTools(sessions), messageTool({ send: (p) => channels.send(p) })]) tools.register(tool);
  if (execConfig.enabled) tools.register(execTool({ approvals: execApprovals, ...execConfig }));
  for (const tool of plugins ? pluginTools(plugins) : []) {
    try {
      tools.register(tool);
    } catch (e) {
      log.warn("plugin tool not registered", { tool: tool.name, group: tool.group, error: (e as Error).message });
    }
  }
  const agent = new AgentService({
    config, workspace, sessions, lanes, runs, tools, log: log.child("agent"),
    providers: withPluginProviders(createProviderRegistry({ config }), plugins), ...(plugins && { hooks: plugins.hooks }),
    sink: runEventSink(registry, broadcaster), audience: toolEventAudience(registry),
  });
  const systemEvents: string[] = [];
  const { cron, heartbeat } = createAutomation({
    config, env: loaded.env, db, workspace, agent, sessions, lanes, systemEvents, log,
    broadcast: (event, payload) => void broadcaster.broadcast(event, payload),
  });
  tools.register(cronTool(cron));
  const channels = ChannelManager.fromConfig(config, loaded.env, {
    pairing: new ChannelPairingStore(db), agent, log: log.child("channels"), factories: channelFactories,
    authStore: (channel, accountId) => createChannelAuthStore(db, channel, accountId), mediaDir: join(paths.stateDir, "media"),
    ...(plugins && { plugins: { hooks: plugins.hooks, commands: plugins.commands } }),
    session: () => ({ dmScope: config.session.dmScope, mainKey: config.session.mainKey }),
  });
  return {
    version: VERSION, commit: COMMIT, bootId, startedAt: Date.now(), listen: { host, port: config.gateway.port },
    stateDir: paths.stateDir, authMode, logFile, log, registry, broadcaster, presence, health,
    agent, sessions, lanes, runs, workspace, agentConfig: () => config, agentIdentity: () => readIdentity(workspace),
    config: createConfigService(loaded), systemEvents, cron, heartbeat,
    pairing: new PairingStore(db), nodePairing: new NodePairingStore(db),
    nodes: new NodeRegistry(liveNodeCommandPolicy(paths.configPath, config.gateway.nodes, log)),
    canvas: { capabilities: canvas.capabilities, hostUrl: canvas.hostUrl },
    execApprovals,
    stateVersion: () => ({ presence: presence.version, health: health.version }),
    channels, stats: new GatewayStats(), ...(plugins && { plugins }),
  };
}
