/** @module The config folder: schema, paths, loading, merge patch, redaction and atomic writes. */
export { MayrosConfig, GatewayConfig, AuthConfig, RateLimitConfig, LoggingConfig, CONFIG_UI_HINTS } from "./schema.ts";
export type { AuthMode, ConfigUiHint } from "./schema.ts";
export { resolvePaths, CONFIG_FILE_NAME } from "./paths.ts";
export type { MayrosPaths } from "./paths.ts";
export { ConfigError, isConfigError } from "./errors.ts";
export type { ConfigErrorDetails } from "./errors.ts";
export {
  readConfigFile,
  parseConfigText,
  validateConfig,
  loadConfig,
  resolveAuthMode,
  pointerToDotted,
  hashConfigText,
  applyOverrides,
} from "./load.ts";
export type { ConfigFile, ConfigFlags, LoadConfigOptions, LoadedConfig } from "./load.ts";
export { applyMergePatch, isJsonObject } from "./merge-patch.ts";
export type { JsonObject } from "./merge-patch.ts";
export { REDACTED, SECRET_KEY_PATTERN, redactSecrets, restoreRedacted } from "./redact.ts";
export { writeConfigAtomic } from "./write.ts";
export type { WrittenConfig } from "./write.ts";
export { createConfigService } from "./service.ts";
export type { ConfigService, ConfigServiceOptions, ConfigWriteKind } from "./service.ts";
