/**
 * @module iMessage channel, in one of two modes: `bluebubbles` (a BlueBubbles server — webhook events in, REST
 * `message/text` out) or `imsg` (the local `imsg rpc` CLI on macOS — JSON-RPC over stdio). Each mode's module is
 * imported only when an account uses it.
 */
import type { ChannelAdapter } from "../types.ts";
import type { BlueBubblesAdapter, BlueBubblesAdapterOptions } from "./adapter.ts";
import type { ImsgAdapterOptions } from "./imsg/adapter.ts";

/** Options of {@link createIMessageAdapter}: a mode and that mode's adapter options. */
export type IMessageAdapterOptions = (BlueBubblesAdapterOptions & { mode?: "bluebubbles" }) | (ImsgAdapterOptions & { mode: "imsg" });

/**
 * Creates one iMessage account's adapter for its `mode` (default `bluebubbles`). Does no I/O beyond importing
 * the mode's module.
 * @throws {Error} naming the missing or invalid option (`channels.imessage.serverUrl`, `…password`, `…cliPath`).
 */
export async function createIMessageAdapter(options: IMessageAdapterOptions): Promise<ChannelAdapter & Partial<Pick<BlueBubblesAdapter, "webhookHandler">>> {
  if (options.mode === "imsg") return (await import("./imsg/adapter.ts")).createImsgAdapter(options);
  return (await import("./adapter.ts")).createBlueBubblesAdapter(options);
}
