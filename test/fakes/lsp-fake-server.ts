/**
 * @module A minimal language server over stdio for the LSP bridge tests (run with `bun test/fakes/lsp-fake-server.ts`),
 * built on the same `vscode-languageserver-protocol`: it offers pull diagnostics (`textDocument/diagnostic`: a
 * warning at every `TODO` of the document's current text, which it tracks from `didOpen`/`didChange`), answers
 * `definition` with the first line of the same file, and never answers `hover` — it writes `hover cancelled` to
 * stderr when the client cancels it.
 */
import {
  createProtocolConnection, DefinitionRequest, DidChangeTextDocumentNotification, DidOpenTextDocumentNotification, DocumentDiagnosticRequest,
  ExitNotification, HoverRequest, InitializeRequest, ShutdownRequest, StreamMessageReader, StreamMessageWriter, TextDocumentSyncKind,
  type Diagnostic, type InitializeResult,
} from "vscode-languageserver-protocol/node";

const conn = createProtocolConnection(new StreamMessageReader(process.stdin), new StreamMessageWriter(process.stdout));
const texts = new Map<string, string>();

conn.onRequest(InitializeRequest.type, (): InitializeResult => ({
  capabilities: { textDocumentSync: TextDocumentSyncKind.Full, hoverProvider: true, definitionProvider: true, diagnosticProvider: { interFileDependencies: false, workspaceDiagnostics: false } },
  serverInfo: { name: "lsp-fake-server" },
}));
conn.onNotification(DidOpenTextDocumentNotification.type, (p) => {
  texts.set(p.textDocument.uri, p.textDocument.text);
});
conn.onNotification(DidChangeTextDocumentNotification.type, (p) => {
  texts.set(p.textDocument.uri, (p.contentChanges.at(-1) as { text: string }).text);
});
conn.onRequest(DocumentDiagnosticRequest.type, (p) => {
  const items: Diagnostic[] = [];
  (texts.get(p.textDocument.uri) ?? "").split("\n").forEach((line, i) => {
    const at = line.indexOf("TODO");
    if (at >= 0) items.push({ range: { start: { line: i, character: at }, end: { line: i, character: at + 4 } }, severity: 2, code: "todo", source: "fake-lsp", message: "unfinished work" });
  });
  return { kind: "full" as const, items };
});
conn.onRequest(DefinitionRequest.type, (p) => [{ uri: p.textDocument.uri, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }]);
conn.onRequest(HoverRequest.type, (_p, token) => new Promise<null>((resolve) => {
  token.onCancellationRequested(() => {
    process.stderr.write("hover cancelled\n");
    resolve(null);
  });
}));
conn.onRequest(ShutdownRequest.type, () => undefined);
conn.onNotification(ExitNotification.type, () => process.exit(0));
conn.listen();
