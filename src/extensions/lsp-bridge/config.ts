/**
 * @module The plugin's config, typed. The host validated `plugins.entries.lsp-bridge.config` against the manifest's
 * JSON Schema and filled the defaults; what the schema cannot say is checked here: one server per language, every
 * server serving at least one file extension (its own list or the usual ones of a well-known language), and no
 * extension claimed by two servers.
 */

/** One configured language server. */
export interface ServerConfig {
  language: string;
  command: string;
  args: string[];
  /** As configured (a `file://` URI or a path relative to the workspace); the workspace when absent. */
  rootUri?: string;
  /** Lower-case, with the dot. */
  extensions: string[];
  initializationOptions?: Record<string, unknown>;
}

/** The LSP bridge settings. */
export interface LspBridgeConfig {
  servers: ServerConfig[];
  /** @default 10000 */
  timeoutMs: number;
  /** @default 15000 */
  diagnosticsTimeoutMs: number;
  /** @default 250 */
  diagnosticsSettleMs: number;
  /** @default 2000 */
  shutdownTimeoutMs: number;
}

/** Where config errors point. */
const FIELD = "plugins.entries.lsp-bridge.config.servers";

/** The usual file extensions of well-known languages, used when a server lists none. */
const DEFAULT_EXTENSIONS: Record<string, string[]> = {
  typescript: [".ts", ".tsx", ".mts", ".cts"],
  javascript: [".js", ".jsx", ".mjs", ".cjs"],
  python: [".py", ".pyi"],
  rust: [".rs"],
  go: [".go"],
  c: [".c", ".h"],
  cpp: [".cc", ".cpp", ".cxx", ".hpp", ".hh"],
  java: [".java"],
  ruby: [".rb"],
  lua: [".lua"],
};

/**
 * Reads the validated plugin config.
 * @throws {Error} naming the field, for a language configured twice, a server with no extensions, or an extension
 * served by two servers
 */
export function readLspConfig(raw: Record<string, unknown>): LspBridgeConfig {
  const config = raw as unknown as LspBridgeConfig;
  const languages = new Set<string>();
  const owners = new Map<string, string>();
  const servers = config.servers.map((s, i): ServerConfig => {
    if (languages.has(s.language)) throw new Error(`${FIELD}[${i}].language: ${s.language} is configured twice`);
    languages.add(s.language);
    const extensions = (s.extensions ?? DEFAULT_EXTENSIONS[s.language] ?? []).map((e) => e.toLowerCase());
    if (extensions.length === 0) throw new Error(`${FIELD}[${i}].extensions: required for ${s.language} (no default extensions are known for it)`);
    for (const ext of extensions) {
      const other = owners.get(ext);
      if (other !== undefined && other !== s.language) throw new Error(`${FIELD}[${i}].extensions: ${ext} is already served by ${other}`);
      owners.set(ext, s.language);
    }
    return { ...s, args: s.args ?? [], extensions };
  });
  return { ...config, servers };
}
