/** @module Signal channel: a signal-cli HTTP daemon — SSE events in, JSON-RPC `send` out. */
export { createSignalAdapter } from "./adapter.ts";
export type { SignalAdapter, SignalAdapterOptions } from "./adapter.ts";
