/** @module iMessage channel through a BlueBubbles server — webhook events in, REST `message/text` out. */
export { createIMessageAdapter } from "./adapter.ts";
export type { IMessageAdapter, IMessageAdapterOptions } from "./adapter.ts";
