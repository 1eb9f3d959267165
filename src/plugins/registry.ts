/**
 * @module What the loaded plugins registered — tools, hooks, gateway methods, HTTP routes, CLI registrars,
 * services, chat commands, channels, providers — and the {@link MayrosPluginApi} each plugin registers through.
 * Registration is checked at once (a duplicate tool, method, route or command, an unknown hook name), so a plugin
 * with a bad registration fails to load with a clear error instead of misbehaving later.
 */
import { mkdirSync } from "node:fs";
import { Type } from "@sinclair/typebox";
import { join } from "node:path";
import type { Database } from "bun:sqlite";
import type {
  ChannelAdapter, GatewayStatsSnapshot, MayrosPluginApi, ModelProvider, PluginCliRegistrar, PluginCommand, PluginGatewayMethod,
  PluginHttpRoute, PluginLogger, PluginRuntime, PluginService, PluginTool,
} from "./api.ts";
import { PLUGIN_HOOK_NAMES } from "./api.ts";
import { CircuitBreaker } from "./circuit-breaker.ts";
import { HookRunner, type HookLog } from "./hooks.ts";
import type { PluginManifest } from "./manifest.ts";
import type { PluginOrigin } from "./discovery.ts";

/** A loaded or skipped plugin, for `plugins list` / `plugins info`. */
export interface PluginRecord {
  id: string;
  name: string;
  version?: string;
  kind?: string;
  description?: string;
  origin: PluginOrigin;
  source: string;
  status: "loaded" | "disabled" | "error";
  /** Why it is disabled or failed. */
  reason?: string;
  /** What it registered (names), once loaded. */
  registered: { tools: string[]; hooks: string[]; methods: string[]; routes: string[]; cli: string[]; services: string[]; commands: string[]; channels: string[]; providers: string[] };
}

/** Host pieces the API hands to plugins. */
export interface PluginHostDeps {
  stateDir: string;
  workspaceDir: string;
  config: unknown;
  log: HookLog & { child(name: string): PluginLogger };
  openDatabase(path: string): Database;
  readConfig(): unknown;
  patchConfig(patch: Record<string, unknown>): Promise<void>;
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  /** The gateway's counters (absent in the CLI). */
  gatewayStats?(): GatewayStatsSnapshot | undefined;
}

/** Everything registered by every loaded plugin. */
export class PluginRegistry {
  readonly records: PluginRecord[] = [];
  /** Folders that were not plugins, duplicate ids, unknown ids in the config. */
  readonly problems: Array<{ source: string; error: string }> = [];
  readonly hooks: HookRunner;
  readonly tools: Array<{ pluginId: string; tool: PluginTool }> = [];
  readonly methods = new Map<string, PluginGatewayMethod & { pluginId: string }>();
  readonly routes: Array<PluginHttpRoute & { pluginId: string }> = [];
  readonly cli: Array<{ pluginId: string; registrar: PluginCliRegistrar; commands: string[] }> = [];
  readonly services: Array<{ pluginId: string; service: PluginService }> = [];
  readonly commands = new Map<string, PluginCommand & { pluginId: string }>();
  readonly channels: Array<{ pluginId: string; id: string; factory(options: Record<string, unknown>): ChannelAdapter | Promise<ChannelAdapter>; options: Record<string, unknown> }> = [];
  readonly providers = new Map<string, ModelProvider>();
  private readonly databases: Database[] = [];

  constructor(private readonly deps: PluginHostDeps) {
    this.hooks = new HookRunner(deps.log);
  }

  /** The API of one plugin; every registration is recorded on `record`. */
  apiFor(record: PluginRecord, manifest: PluginManifest, pluginConfig: Record<string, unknown>): MayrosPluginApi {
    const id = record.id;
    const r = record.registered;
    const logger = this.deps.log.child(`plugin:${id}`);
    let db: Database | undefined;
    const runtime: PluginRuntime = {
      stateDir: this.deps.stateDir,
      workspaceDir: this.deps.workspaceDir,
      database: () => {
        if (!db) {
          const dir = join(this.deps.stateDir, "plugins", id);
          mkdirSync(dir, { recursive: true, mode: 0o700 });
          db = this.deps.openDatabase(join(dir, "data.db"));
          this.databases.push(db);
        }
        return db;
      },
      readConfig: () => this.deps.readConfig(),
      patchConfig: (patch) => this.deps.patchConfig(patch),
      call: (method, params) => this.deps.call(method, params),
      gatewayStats: () => this.deps.gatewayStats?.(),
    };
    const unique = <T>(kind: string, name: string, taken: boolean, add: () => T): T => {
      if (taken) throw new Error(`${id}: ${kind} ${name} is already registered`);
      return add();
    };
    return {
      id, name: manifest.name ?? id, ...(manifest.version ? { version: manifest.version } : {}), source: record.source,
      config: this.deps.config, pluginConfig, logger, runtime, Type,
      createCircuitBreaker: (options) => new CircuitBreaker(options),
      registerTool: (tool) => unique("tool", tool.name, this.tools.some((t) => t.tool.name === tool.name), () => {
        this.tools.push({ pluginId: id, tool });
        r.tools.push(tool.name);
      }),
      on: (hook, handler, opts) => {
        if (!(PLUGIN_HOOK_NAMES as readonly string[]).includes(hook)) throw new Error(`${id}: unknown hook ${String(hook)}`);
        this.hooks.on(id, hook, handler, opts?.priority ?? 0);
        if (!r.hooks.includes(hook)) r.hooks.push(hook);
      },
      registerGatewayMethod: (method, spec) => unique("gateway method", method, this.methods.has(method), () => {
        this.methods.set(method, { ...spec, pluginId: id });
        r.methods.push(method);
      }),
      registerHttpRoute: (route) => unique("HTTP route", route.path, this.routes.some((x) => x.path === route.path), () => {
        if (!route.path.startsWith("/")) throw new Error(`${id}: HTTP route path must start with /: ${route.path}`);
        this.routes.push({ ...route, pluginId: id });
        r.routes.push(route.path);
      }),
      registerCli: (registrar, opts) => {
        this.cli.push({ pluginId: id, registrar, commands: opts.commands });
        r.cli.push(...opts.commands);
      },
      registerService: (service) => {
        this.services.push({ pluginId: id, service });
        r.services.push(service.id);
      },
      registerCommand: (command) => unique("chat command", `/${command.name}`, this.commands.has(command.name), () => {
        this.commands.set(command.name, { ...command, pluginId: id });
        r.commands.push(command.name);
      }),
      registerChannel: (channel) => {
        this.channels.push({ pluginId: id, id: channel.id, factory: channel.factory, options: pluginConfig });
        r.channels.push(channel.id);
      },
      registerProvider: (provider) => unique("provider", provider.id, this.providers.has(provider.id), () => {
        this.providers.set(provider.id, provider);
        r.providers.push(provider.id);
      }),
    };
  }


  /** Closes the databases the plugins opened (after their services stopped). */
  close(): void {
    for (const db of this.databases.splice(0)) db.close();
  }
}
