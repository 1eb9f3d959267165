/**
 * @module Discord channel (discord.js v14, loaded lazily in `start()`): gateway WebSocket in, REST out.
 */
export { createDiscordAdapter } from "./adapter.ts";
export type { DiscordAdapterOptions } from "./adapter.ts";
