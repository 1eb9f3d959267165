/**
 * @module The QuickJS WebAssembly engine. The `.wasm` ships inside the npm package and is imported
 * as a file, so `bun build --compile` embeds it in the binary (a plain `quickjs-emscripten` load
 * looks for it next to the bundle, which does not exist in `/$bunfs`). It is compiled once per
 * process; every sandbox gets its own instance and its own linear memory, so no two skills share a
 * heap and the memory goes back when the sandbox is disposed (WebAssembly memory grows, never shrinks).
 *
 * The memory is also where the memory limit really holds: this QuickJS build has no
 * `malloc_usable_size`, so `JS_SetMemoryLimit` counts a fixed 8 bytes per allocation, not their
 * sizes (a megabyte buffer costs it 8 bytes). The linear memory is therefore capped at the engine's
 * fixed initial 16 MiB (its data, C stack and first heap) plus the skill's `memoryLimitBytes`; past
 * that `malloc` fails and QuickJS throws "out of memory".
 */
import wasmPath from "@jitl/quickjs-wasmfile-release-sync/wasm" with { type: "file" };
import { newQuickJSWASMModuleFromVariant, newVariant, RELEASE_SYNC, type QuickJSWASMModule } from "quickjs-emscripten";

const PAGE_BYTES = 64 * 1024;
/** The 16 MiB initial memory the module declares (a smaller import fails to link). */
const INITIAL_PAGES = 256;

let compiled: Promise<WebAssembly.Module> | undefined;

/**
 * A fresh QuickJS instance from the once-compiled module, with its own linear memory.
 * @param memoryLimitBytes how far the heap may grow past the initial 16 MiB.
 */
export async function newQuickJsInstance(memoryLimitBytes: number): Promise<QuickJSWASMModule> {
  compiled ??= Bun.file(wasmPath).arrayBuffer().then((bytes) => WebAssembly.compile(bytes));
  const wasmModule = await compiled;
  const wasmMemory = new WebAssembly.Memory({
    initial: INITIAL_PAGES,
    maximum: INITIAL_PAGES + Math.ceil(memoryLimitBytes / PAGE_BYTES),
  });
  return newQuickJSWASMModuleFromVariant(newVariant(RELEASE_SYNC, { wasmModule, wasmMemory }));
}
