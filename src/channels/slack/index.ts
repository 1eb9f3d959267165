/** @module Slack channel: Socket Mode or HTTP Events API in, `chat.postMessage` out. */
export { createSlackAdapter } from "./adapter.ts";
export type { SlackAdapter, SlackAdapterOptions } from "./adapter.ts";
