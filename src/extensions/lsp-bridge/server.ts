/**
 * @module One language server process: spawned with piped stdio and spoken to through `vscode-languageserver-protocol`
 * (its `StreamMessageReader`/`StreamMessageWriter` do the `Content-Length` framing). It is initialized with real
 * client capabilities, keeps the documents it opened in sync with the disk (`didOpen`, then full-text `didChange`
 * with a growing version), hands every `publishDiagnostics` — and every report it pulls with `textDocument/diagnostic`
 * from a server that offers it — to the owner, lets callers await fresh pushed diagnostics of a file, bounds every request by a timeout (cancelling it on the server), and stops with `shutdown`/`exit`, killing
 * the process when that takes too long. When the process dies, every pending request fails at once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import {
  CancellationTokenSource, CompletionRequest, createProtocolConnection, DefinitionRequest, DidChangeTextDocumentNotification, DocumentDiagnosticRequest,
  DidOpenTextDocumentNotification, ExitNotification, HoverRequest, InitializedNotification, InitializeRequest,
  PublishDiagnosticsNotification, ShutdownRequest, StreamMessageReader, StreamMessageWriter,
  type CancellationToken, type ClientCapabilities, type CompletionItem, type CompletionList, type Definition,
  type DefinitionLink, type Hover, type Position, type ProtocolConnection, type PublishDiagnosticsParams, type ServerCapabilities,
} from "vscode-languageserver-protocol/node";
import type { PluginLogger } from "../../plugins/api.ts";
import type { ServerConfig } from "./config.ts";
import { fileUri } from "./paths.ts";

/** A request that got no answer in time. */
export class LspTimeoutError extends Error {}

/** What the bridge tells servers it understands. */
const CLIENT_CAPABILITIES: ClientCapabilities = {
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: false, willSave: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: false },
    diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false },
    hover: { contentFormat: ["markdown", "plaintext"] },
    definition: { linkSupport: true },
    completion: { completionItem: { snippetSupport: false, documentationFormat: ["markdown", "plaintext"] }, contextSupport: false },
  },
  workspace: { configuration: true, workspaceFolders: true },
  window: { workDoneProgress: false },
};

/** How to start a server and whom to tell what it publishes. */
export interface ServerOptions {
  config: ServerConfig;
  /** The project root (absolute directory). */
  root: string;
  timeoutMs: number;
  logger: PluginLogger;
  /** Called for every `publishDiagnostics`, with the version it is for (the server's, else the last one sent). */
  onDiagnostics(params: PublishDiagnosticsParams, version: number | null): void;
  /** Called once when the process exits, expectedly or not. */
  onExit(exit: { code: number | null; signal: string | null; expected: boolean }): void;
}

/** A file's state on the server after a sync. */
export interface SyncedDocument {
  uri: string;
  version: number;
  /** True when this sync sent `didOpen` or `didChange`. */
  changed: boolean;
  /** The file's publish count at its last open or change: diagnostics published after that are fresh. */
  since: number;
}

/** The process exited before it spawned (bad command) or answered `initialize`. */
function spawned(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("spawn", () => resolve());
    child.once("error", reject);
  });
}

/** A running language server. */
export class LspServer {
  readonly startedAt = Date.now();
  capabilities: ServerCapabilities = {};
  private readonly docs = new Map<string, { version: number; text: string; since: number }>();
  private readonly publishes = new Map<string, number>();
  private readonly listeners = new Set<(uri: string | null) => void>();
  private alive = true;
  private stopping = false;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess, private readonly conn: ProtocolConnection, private readonly o: ServerOptions) {
    this.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.alive = false;
        conn.dispose();
        for (const l of this.listeners) l(null);
        o.onExit({ code, signal, expected: this.stopping });
        resolve();
      });
    });
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      this.publishes.set(p.uri, (this.publishes.get(p.uri) ?? 0) + 1);
      o.onDiagnostics(p, p.version ?? this.docs.get(p.uri)?.version ?? null);
      for (const l of this.listeners) l(p.uri);
    });
    // Settings the server asks for are unset (null each); other server requests get MethodNotFound, and other
    // notifications (log messages, progress) are dropped by the connection.
    conn.onRequest("workspace/configuration", (p: { items: unknown[] }) => p.items.map(() => null));
    conn.onError(([e]) => o.logger.debug(`${o.config.language} server connection: ${e.message}`));
  }

  /**
   * Spawns the server and initializes it (`initialize` with the client capabilities and root, then `initialized`).
   * @throws {Error} when the command cannot be spawned or `initialize` fails or times out (the process is killed)
   */
  static async start(o: ServerOptions): Promise<LspServer> {
    const child = spawn(o.config.command, o.config.args, { cwd: o.root, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin!.on("error", (e) => o.logger.debug(`${o.config.language} server stdin: ${e.message}`));
    child.stderr!.on("data", (chunk: Buffer) => o.logger.debug(`${o.config.language} server: ${chunk.toString().trimEnd()}`));
    await spawned(child);
    const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const server = new LspServer(child, conn, o);
    conn.listen();
    try {
      const rootUri = fileUri(o.root);
      const init = await server.timed("initialize", (token) => conn.sendRequest(InitializeRequest.type, {
        processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: o.config.language }],
        capabilities: CLIENT_CAPABILITIES, clientInfo: { name: "mayros-lsp-bridge" },
        ...(o.config.initializationOptions && { initializationOptions: o.config.initializationOptions }),
      }, token));
      server.capabilities = init.capabilities;
      await conn.sendNotification(InitializedNotification.type, {});
      return server;
    } catch (e) {
      server.stopping = true;
      child.kill("SIGKILL");
      throw e;
    }
  }

  /** The process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True until the process exits. */
  get running(): boolean {
    return this.alive;
  }

  /** Runs a request, cancelling it and failing after the timeout. */
  private async timed<R>(what: string, send: (token: CancellationToken) => Promise<R>): Promise<R> {
    const cts = new CancellationTokenSource();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        cts.cancel();
        reject(new LspTimeoutError(`${this.o.config.language} server: ${what} got no answer within ${this.o.timeoutMs} ms`));
      }, this.o.timeoutMs);
    });
    try {
      return await Promise.race([send(cts.token), timeout]);
    } finally {
      clearTimeout(timer);
      cts.dispose();
    }
  }

  /** Opens the file on the server, or sends its new text when it changed on disk since the last sync. */
  async sync(path: string, languageId: string): Promise<SyncedDocument> {
    const uri = fileUri(path);
    const text = await readFile(path, "utf8");
    const doc = this.docs.get(uri);
    if (doc?.text === text) return { uri, version: doc.version, changed: false, since: doc.since };
    const since = this.publishes.get(uri) ?? 0;
    const version = (doc?.version ?? 0) + 1;
    this.docs.set(uri, { version, text, since });
    if (doc) await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    else await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
    return { uri, version, changed: true, since };
  }

  /**
   * Waits until the server published diagnostics of `uri` after `since` publishes and then stayed quiet about it
   * for `settleMs`; true when fresh diagnostics arrived, false when none did within `timeoutMs` or the server died.
   */
  waitForDiagnostics(uri: string, since: number, timeoutMs: number, settleMs: number): Promise<boolean> {
    const fresh = () => (this.publishes.get(uri) ?? 0) > since;
    return new Promise((resolve) => {
      let settle: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        clearTimeout(deadline);
        clearTimeout(settle);
        this.listeners.delete(listener);
        resolve(fresh());
      };
      const listener = (u: string | null) => {
        if (u === null) return finish();
        if (u !== uri) return;
        clearTimeout(settle);
        settle = setTimeout(finish, settleMs);
      };
      const deadline = setTimeout(finish, timeoutMs);
      this.listeners.add(listener);
      if (!this.alive) finish();
      else if (fresh()) listener(uri);
    });
  }

  /** True when the server answers `textDocument/diagnostic` (LSP 3.17 pull diagnostics). */
  get pullsDiagnostics(): boolean {
    return this.capabilities.diagnosticProvider !== undefined;
  }

  /** Asks for the file's diagnostics (`textDocument/diagnostic`) and hands a full report to the owner like a publish. */
  async pullDiagnostics(uri: string): Promise<void> {
    const report = await this.timed("diagnostic", (token) => this.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } }, token));
    if (report.kind === "full") this.o.onDiagnostics({ uri, diagnostics: report.items }, this.docs.get(uri)?.version ?? null);
  }

  /** `textDocument/hover`. */
  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.timed("hover", (token) => this.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position }, token));
  }

  /** `textDocument/definition`. */
  definition(uri: string, position: Position): Promise<Definition | DefinitionLink[] | null> {
    return this.timed("definition", (token) => this.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position }, token));
  }

  /** `textDocument/completion`. */
  completion(uri: string, position: Position): Promise<CompletionItem[] | CompletionList | null> {
    return this.timed("completion", (token) => this.conn.sendRequest(CompletionRequest.type, { textDocument: { uri }, position }, token));
  }

  /** `shutdown` then `exit`; the process is killed when it has not exited after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (!this.alive) return;
    this.stopping = true;
    const grace = new Promise<"late">((resolve) => setTimeout(resolve, graceMs, "late").unref());
    const polite = (async () => {
      await Promise.race([this.conn.sendRequest(ShutdownRequest.type), this.exited]);
      if (this.alive) await this.conn.sendNotification(ExitNotification.type);
      await this.exited;
    })().catch(() => {});
    if ((await Promise.race([polite, grace])) === "late") {
      this.o.logger.warn(`${this.o.config.language} server did not exit within ${graceMs} ms of shutdown; killed`);
      this.child.kill("SIGKILL");
    }
    await this.exited;
  }
}
