/** @module Error codes, the error shape on the wire, and the `GatewayError` services throw. */
import { Type, type Static } from "@sinclair/typebox";

/** Error codes of the wire protocol (`error.code`). */
export const ErrorCodes = [
  "NOT_LINKED",
  "NOT_PAIRED",
  "AGENT_TIMEOUT",
  "FORBIDDEN",
  "INVALID_REQUEST",
  "UNAVAILABLE",
  "APPROVAL_NOT_FOUND",
] as const;
/** One of {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[number];

/** The `error` object of a failed response. */
export const ErrorShape = Type.Object(
  {
    code: Type.Union(ErrorCodes.map((c) => Type.Literal(c))),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
    retryable: Type.Optional(Type.Boolean()),
    retryAfterMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false, $id: "ErrorShape" },
);
/** The `error` object of a failed response. */
export type ErrorShape = Static<typeof ErrorShape>;

/** Optional parts of a {@link GatewayError}. */
export interface GatewayErrorOptions {
  /** Machine-readable details; v4 clients branch on `details.code` first. */
  details?: Record<string, unknown>;
  /** Whether retrying the same request may succeed. */
  retryable?: boolean;
  /** How long to wait before retrying. */
  retryAfterMs?: number;
}

/**
 * An error meant for the wire: services throw it, and only dispatch turns it into a `res` frame.
 * Any other error becomes `UNAVAILABLE` and its stack never reaches a client.
 */
export class GatewayError extends Error {
  override readonly name = "GatewayError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly options: GatewayErrorOptions = {},
  ) {
    super(message);
  }

  /** The wire form of this error. */
  toShape(): ErrorShape {
    const shape: ErrorShape = { code: this.code, message: this.message };
    if (this.options.details !== undefined) shape.details = this.options.details;
    if (this.options.retryable !== undefined) shape.retryable = this.options.retryable;
    if (this.options.retryAfterMs !== undefined) shape.retryAfterMs = this.options.retryAfterMs;
    return shape;
  }
}

/** True for a {@link GatewayError}, also across module copies (compares `name`). */
export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError || (err instanceof Error && err.name === "GatewayError" && "code" in err);
}
