/** @module The wire protocol: the single source of truth for frames, handshake, methods, events and errors. */
export { MIN_PROTOCOL_VERSION, MAX_PROTOCOL_VERSION, PROTOCOL_VERSION, MIN_PROBE_PROTOCOL_VERSION, negotiateProtocol } from "./version.ts";
export type { ProtocolVersion } from "./version.ts";
export * as limits from "./limits.ts";
export { CloseCode } from "./limits.ts";
export { ErrorCodes, ErrorShape, GatewayError, isGatewayError } from "./errors.ts";
export type { ErrorCode, GatewayErrorOptions } from "./errors.ts";
export { RequestFrame, ResponseFrame, EventFrame, StateVersion } from "./frames.ts";
export { ConnectParams, ClientInfo, ConnectAuth, DeviceProof, KNOWN_CLIENT_IDS, ClientModes } from "./connect.ts";
export type { ClientMode, Role } from "./connect.ts";
export { HelloOkV3, HelloOkV4, PresenceEntry, HealthSnapshot, Policy, SnapshotV3, SnapshotV4 } from "./hello.ts";
export type { AuthMethod, Snapshot } from "./hello.ts";
export { OPERATOR_SCOPES, CLI_DEFAULT_SCOPES, hasScope } from "./scopes.ts";
export type { Scope } from "./scopes.ts";
export { METHODS, EVENTS, ADVERTISED_METHODS, ADVERTISED_EVENTS } from "./catalog.ts";
export type { MethodSpec, EventSpec, EventGuard, MethodName, EventName, Idempotency } from "./catalog.ts";
export { matches, firstError, describeValueError } from "./validate.ts";
