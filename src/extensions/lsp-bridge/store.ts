/**
 * @module The diagnostics store: the latest `textDocument/publishDiagnostics` of every file, kept in the plugin's
 * SQLite database (uri, language, document version, diagnostics JSON, received_at), so they outlive the server
 * that sent them and a gateway restart. Opened on first use (registration does no I/O).
 */
import type { Database } from "bun:sqlite";
import type { Diagnostic } from "vscode-languageserver-protocol";

/** One file's stored diagnostics. */
export interface StoredDiagnostics {
  uri: string;
  language: string;
  /** The document version they were computed for (the server's, else the one last sent), if known. */
  version: number | null;
  diagnostics: Diagnostic[];
  /** Epoch ms. */
  receivedAt: number;
}

interface Row {
  uri: string;
  language: string;
  version: number | null;
  diagnostics: string;
  received_at: number;
}

const fromRow = (r: Row): StoredDiagnostics => ({
  uri: r.uri, language: r.language, version: r.version, diagnostics: JSON.parse(r.diagnostics) as Diagnostic[], receivedAt: r.received_at,
});

/** Stored diagnostics, one row per file (a new publish replaces the old one, as in LSP). */
export class DiagnosticsStore {
  private db: Database | undefined;

  constructor(private readonly open: () => Database) {}

  private get conn(): Database {
    if (!this.db) {
      this.db = this.open();
      this.db.run(`CREATE TABLE IF NOT EXISTS diagnostics (
        uri TEXT PRIMARY KEY, language TEXT NOT NULL, version INTEGER, diagnostics TEXT NOT NULL, received_at INTEGER NOT NULL)`);
    }
    return this.db;
  }

  /** Stores the diagnostics of a file, replacing the previous ones. */
  put(d: StoredDiagnostics): void {
    this.conn.query("INSERT OR REPLACE INTO diagnostics (uri, language, version, diagnostics, received_at) VALUES (?, ?, ?, ?, ?)")
      .run(d.uri, d.language, d.version, JSON.stringify(d.diagnostics), d.receivedAt);
  }

  /** The stored diagnostics of one file. */
  get(uri: string): StoredDiagnostics | undefined {
    const row = this.conn.query<Row, [string]>("SELECT * FROM diagnostics WHERE uri = ?").get(uri);
    return row ? fromRow(row) : undefined;
  }

  /** Every file's stored diagnostics with at least one diagnostic, by URI. */
  withProblems(): StoredDiagnostics[] {
    return this.conn.query<Row, []>("SELECT * FROM diagnostics WHERE diagnostics != '[]' ORDER BY uri").all().map(fromRow);
  }
}
