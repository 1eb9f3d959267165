/** @module The headless node host: `runNodeHost`, its commands and the exec allowlist. */
export { runNodeHost } from "./host.ts";
export type { NodeHostOptions } from "./host.ts";
export {
  executeCommand, systemRun, NodeCommandError, NODE_HOST_CAPS, NODE_HOST_COMMANDS, SystemRunParams, silentLog,
} from "./commands.ts";
export type { CommandContext, CommandOutcome, NodeCommandErrorCode, NodeHostLog } from "./commands.ts";
export {
  AllowlistError, addToAllowlist, allowlistPath, isAllowed, readAllowlist, removeFromAllowlist,
} from "./allowlist.ts";
export type { ExecAllowlist } from "./allowlist.ts";
export {
  runProcess, DEFAULT_MAX_OUTPUT_BYTES, DEFAULT_RUN_TIMEOUT_MS, MAX_OUTPUT_BYTES_LIMIT, MAX_RUN_TIMEOUT_MS,
} from "./run.ts";
export type { RunResult, RunSpec } from "./run.ts";
