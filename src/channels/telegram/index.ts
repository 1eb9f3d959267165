/**
 * @module Telegram channel (grammY): the adapter factory and the helpers other layers may reuse.
 * grammY itself is imported only inside `start()`.
 */
export { createTelegramAdapter } from "./adapter.ts";
export type { TelegramAdapter, TelegramAdapterOptions } from "./adapter.ts";
export { escapeHtml, markdownToTelegramHtml } from "./format.ts";
export { GENERAL_TOPIC_ID, TELEGRAM_FILE_SCHEME, normalizeMessage } from "./normalize.ts";
export { SECRET_HEADER } from "./webhook.ts";
