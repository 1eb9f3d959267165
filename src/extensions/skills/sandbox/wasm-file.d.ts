/** The QuickJS `.wasm` of the release-sync variant, imported `with { type: "file" }`: its path (in `/$bunfs` when compiled). */
declare module "@jitl/quickjs-wasmfile-release-sync/wasm" {
  const path: string;
  export default path;
}
