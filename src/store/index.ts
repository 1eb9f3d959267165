/** @module State storage: the SQLite database, its migrations, small repositories and the gateway lock. */
export { openDatabase, schemaVersion } from "./db.ts";
export type { OpenDatabaseOptions } from "./db.ts";
export { MIGRATIONS } from "./migrations.ts";
export type { Migration } from "./migrations.ts";
export { settingsRepo } from "./settings.ts";
export type { SettingsRepo } from "./settings.ts";
export { acquireGatewayLock, inspectGatewayLock, LockHeldError } from "./lock.ts";
export type { GatewayLock, GatewayLockInfo } from "./lock.ts";
