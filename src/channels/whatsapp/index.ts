/** @module WhatsApp channel through Baileys — a linked device, its login state in the gateway database. */
export { createWhatsAppAdapter } from "./adapter.ts";
export type { WhatsAppAdapterOptions } from "./adapter.ts";
