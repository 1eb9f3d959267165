/**
 * @module The configured language servers, one slot per language: a file goes to the server whose extensions
 * include its own (never to the others), inside that server's root. A server is spawned on first use; one that
 * crashed is spawned again on next use (and counted); one the operator stopped stays stopped until started again,
 * the tools answering from the fallback meanwhile. Every publishDiagnostics goes into the store.
 */
import type { PluginLogger } from "../../plugins/api.ts";
import type { LspBridgeConfig, ServerConfig } from "./config.ts";
import { extensionOf, isInside, PathError, resolveInWorkspace, serverRoot } from "./paths.ts";
import { LspServer } from "./server.ts";
import type { DiagnosticsStore } from "./store.ts";

/** A server's lifecycle state, as reported. */
export type ServerState = "idle" | "starting" | "running" | "stopped" | "crashed" | "failed";

/** One server as `lsp.status` reports it. */
export interface ServerStatus {
  language: string;
  command: string;
  root: string;
  extensions: string[];
  state: ServerState;
  pid?: number;
  startedAt?: number;
  /** Spawns after a crash. */
  restarts: number;
  /** Why the last start failed or how the process last ended unexpectedly. */
  lastError?: string;
}

/** A language's server and what happened to it. */
interface Slot {
  config: ServerConfig;
  root: string;
  server?: LspServer;
  starting?: Promise<LspServer>;
  stoppedByOperator: boolean;
  crashed: boolean;
  restarts: number;
  lastError?: string;
}

/** A file the agent named, resolved: its absolute path and the slot of its language, if one is configured. */
export interface Target {
  path: string;
  slot?: Slot;
}

/** The servers of every configured language. */
export class LspManager {
  private readonly slots = new Map<string, Slot>();

  constructor(private readonly config: LspBridgeConfig, readonly workspace: string, private readonly store: DiagnosticsStore, private readonly logger: PluginLogger) {
    for (const c of config.servers) {
      this.slots.set(c.language, { config: c, root: serverRoot(workspace, c.rootUri), stoppedByOperator: false, crashed: false, restarts: 0 });
    }
  }

  /**
   * Resolves a path the agent or operator named.
   * @throws {PathError} outside the workspace, or outside the root of the server of its language
   */
  target(path: string): Target {
    const abs = resolveInWorkspace(this.workspace, path);
    const ext = extensionOf(abs);
    const slot = [...this.slots.values()].find((s) => s.config.extensions.includes(ext));
    if (slot && !isInside(slot.root, abs)) throw new PathError(`${path} is outside the root ${slot.root} of the ${slot.config.language} server`);
    return { path: abs, ...(slot && { slot }) };
  }

  /** The slot of `language`. @throws {Error} for a language not configured */
  private slot(language: string): Slot {
    const slot = this.slots.get(language);
    if (!slot) throw Object.assign(new Error(`no server is configured for ${language} (configured: ${[...this.slots.keys()].join(", ") || "none"})`), { code: "INVALID_REQUEST" });
    return slot;
  }

  /** The languages named, or all. */
  private pick(language: string | undefined): Slot[] {
    return language === undefined ? [...this.slots.values()] : [this.slot(language)];
  }

  /**
   * The running server of a slot, spawning it when idle or crashed; undefined when the operator stopped it.
   * @throws {Error} when it cannot be started
   */
  async server(slot: Slot): Promise<LspServer | undefined> {
    if (slot.stoppedByOperator) return undefined;
    if (slot.server?.running) return slot.server;
    slot.starting ??= this.spawn(slot).finally(() => { slot.starting = undefined; });
    return slot.starting;
  }

  private async spawn(slot: Slot): Promise<LspServer> {
    const { config } = slot;
    if (slot.crashed) slot.restarts++;
    try {
      const server = await LspServer.start({
        config, root: slot.root, timeoutMs: this.config.timeoutMs, logger: this.logger,
        onDiagnostics: (p, version) => this.store.put({ uri: p.uri, language: config.language, version, diagnostics: p.diagnostics, receivedAt: Date.now() }),
        onExit: ({ code, signal, expected }) => {
          if (expected || slot.server?.running) return;
          slot.crashed = true;
          slot.lastError = `exited unexpectedly (${signal ?? `code ${code}`})`;
          this.logger.warn(`${config.language} server ${slot.lastError}; it is restarted on next use`);
        },
      });
      slot.server = server;
      slot.crashed = false;
      slot.lastError = undefined;
      this.logger.info(`${config.language} server started`, { pid: server.pid, root: slot.root });
      return server;
    } catch (e) {
      slot.lastError = `could not start: ${(e as Error).message}`;
      throw new Error(`${config.language} server ${slot.lastError}`);
    }
  }

  /** Starts the servers of `language` (all when omitted), also ones the operator stopped. */
  async start(language?: string): Promise<ServerStatus[]> {
    const slots = this.pick(language);
    await Promise.allSettled(slots.map((s) => {
      s.stoppedByOperator = false;
      return this.server(s);
    }));
    return slots.map((s) => this.describe(s));
  }

  /** Stops the servers of `language` (all when omitted) with shutdown/exit; they stay stopped until started. */
  async stop(language?: string): Promise<ServerStatus[]> {
    const slots = this.pick(language);
    await Promise.all(slots.map(async (s) => {
      s.stoppedByOperator = true;
      await s.starting?.catch(() => {});
      await s.server?.stop(this.config.shutdownTimeoutMs);
    }));
    return slots.map((s) => this.describe(s));
  }

  /** Every server's state. */
  status(): ServerStatus[] {
    return [...this.slots.values()].map((s) => this.describe(s));
  }

  private describe(s: Slot): ServerStatus {
    const live = s.server?.running ? s.server : undefined;
    const state: ServerState = s.starting ? "starting" : live ? "running" : s.stoppedByOperator ? "stopped" : s.crashed ? "crashed" : s.lastError ? "failed" : "idle";
    return {
      language: s.config.language, command: s.config.command, root: s.root, extensions: s.config.extensions, state,
      ...(live && { pid: live.pid, startedAt: live.startedAt }), restarts: s.restarts, ...(s.lastError && { lastError: s.lastError }),
    };
  }
}
