/**
 * @module The webhook endpoints on the gateway port (agent.md §7): `POST <hooks.path>/wake` (200)
 * and `POST <hooks.path>/agent` (202 with the run id). The hook token travels in
 * `Authorization: Bearer` or `x-mayros-token` (a `?token=` query is refused with 400); a wrong
 * token is 401, and repeated failures from one address lock it out (429 + `Retry-After`) in a
 * limiter of its own that does not exempt loopback (hooks usually sit behind a local proxy).
 * Bodies over 256 KiB are 413; bodies failing their schema are 400 naming the field.
 */
import { Hono, type Context } from "hono";
import type { TSchema } from "@sinclair/typebox";
import { createHookActions, type HookActions } from "../cron/hook-actions.ts";
import type { MayrosConfig } from "../config/index.ts";
import type { Logger } from "../logging/logger.ts";
import { firstError } from "../protocol/validate.ts";
import { isGatewayError } from "../protocol/errors.ts";
import { HookAgentBody, HookWakeBody, MAX_HOOK_BODY_BYTES } from "../protocol/methods/hooks.ts";
import { safeEqual } from "../crypto/primitives.ts";
import type { GatewayServices } from "./context.ts";
import { clientOrigin } from "./net.ts";
import { AuthRateLimiter, type RateLimitOptions } from "./rate-limit.ts";

/** Failed hook authentications: 20 per minute from one address, then a one-minute lockout, loopback included. */
export const HOOK_AUTH_RATE_LIMIT: RateLimitOptions = { maxAttempts: 20, windowMs: 60_000, lockoutMs: 60_000, exemptLoopback: false };

/** The `hooks` config section. */
export interface HooksConfig {
  enabled: boolean;
  token?: string;
  path: string;
}

/** Options of {@link createHooksRoutes}. */
export interface HooksRoutesOptions {
  config: HooksConfig;
  actions: HookActions;
  trustedProxies: readonly string[];
  /** The gateway's own shared token; a hook token equal to it is warned about. */
  gatewayToken?: string;
  /** @default a limiter with {@link HOOK_AUTH_RATE_LIMIT} */
  limiter?: AuthRateLimiter;
  /** @default 256 KiB */
  maxBodyBytes?: number;
  log: Pick<Logger, "info" | "warn" | "addSecret">;
}

type ServerEnv = { server?: { requestIP(req: Request): { address: string } | null } } | undefined;

/**
 * Builds the hook routes, or null when `hooks.enabled` is false. Mount with `app.route("/", routes)`.
 * @throws {Error} when hooks are enabled without `hooks.token`.
 */
export function createHooksRoutes(o: HooksRoutesOptions): Hono | null {
  const { config, actions, trustedProxies, log, maxBodyBytes = MAX_HOOK_BODY_BYTES } = o;
  if (!config.enabled) return null;
  const token = config.token;
  if (!token) throw new Error("hooks.token: required when hooks.enabled is true");
  log.addSecret(token);
  if (o.gatewayToken !== undefined && safeEqual(token, o.gatewayToken)) log.warn("hooks.token equals the gateway token; use a distinct token");
  const limiter = o.limiter ?? new AuthRateLimiter(HOOK_AUTH_RATE_LIMIT);
  const base = config.path.replace(/\/+$/, "");
  const app = new Hono();

  app.all(`${base}/:action`, async function hookRequest(c) {
    if (c.req.method !== "POST") return c.json({ ok: false, error: "method not allowed" }, 405, { Allow: "POST" });
    if (new URL(c.req.url).searchParams.has("token")) {
      return c.json({ ok: false, error: "send the hook token in Authorization: Bearer or x-mayros-token, never in the query string" }, 400);
    }
    const origin = originOf(c, trustedProxies);
    const retryMs = limiter.retryAfterMs(origin.address, origin.isLoopback);
    if (retryMs > 0) {
      return c.json({ ok: false, error: "too many failed authentication attempts", retryAfterMs: retryMs }, 429, { "Retry-After": String(Math.ceil(retryMs / 1000)) });
    }
    const presented = c.req.header("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim() ?? c.req.header("x-mayros-token");
    if (!presented || !safeEqual(presented, token)) {
      const lockoutMs = limiter.recordFailure(origin.address, origin.isLoopback);
      if (lockoutMs > 0) log.warn("hooks auth lockout", { ip: origin.address, lockoutMs });
      return c.json({ ok: false, error: "unauthorized" }, 401);
    }
    limiter.recordSuccess(origin.address);
    const action = c.req.param("action");
    if (action !== "wake" && action !== "agent") return c.json({ ok: false, error: `unknown hook: ${action}` }, 404);
    const body = await readJsonBody(c.req.raw, maxBodyBytes);
    if (body.kind === "too-large") return c.json({ ok: false, error: `body larger than ${maxBodyBytes} bytes` }, 413);
    if (body.kind === "invalid") return c.json({ ok: false, error: body.error }, 400);
    try {
      if (action === "wake") {
        const payload = validated<HookWakeBody>(HookWakeBody, body.value);
        return c.json({ ok: true, ...actions.wake(payload) }, 200);
      }
      const payload = validated<HookAgentBody>(HookAgentBody, body.value);
      const started = actions.agent(payload);
      log.info("hook agent run", { runId: started.runId, sessionKey: started.sessionKey, name: payload.name });
      return c.json({ ok: true, ...started }, 202);
    } catch (err) {
      if (err instanceof BodyError || isGatewayError(err)) return c.json({ ok: false, error: (err as Error).message }, 400);
      throw err;
    }
  });
  return app;
}

class BodyError extends Error {
  override readonly name = "BodyError";
}

/** The body as `T`, or a {@link BodyError} naming the first bad field (`text: is required`). */
function validated<T>(schema: TSchema, value: unknown): T {
  const problem = firstError(schema, value);
  if (problem === null) return value as T;
  const match = /^at \/([^:]*): (.*)$/.exec(problem);
  const field = match?.[1]?.replaceAll("/", ".") || "body";
  throw new BodyError(match ? `${field}: ${match[2]}` : problem);
}

type BodyResult = { kind: "ok"; value: unknown } | { kind: "too-large" } | { kind: "invalid"; error: string };

/** Reads at most `max` bytes of JSON, stopping as soon as the body is known to be too large. */
async function readJsonBody(req: Request, max: number): Promise<BodyResult> {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > max) return { kind: "too-large" };
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > max) {
        await reader.cancel().catch(() => {});
        return { kind: "too-large" };
      }
      chunks.push(value);
    }
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks));
  if (text.trim() === "") return { kind: "invalid", error: "body: must be a JSON object" };
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) return { kind: "invalid", error: "body: must be a JSON object" };
    return { kind: "ok", value };
  } catch {
    return { kind: "invalid", error: "body: not valid JSON" };
  }
}

function originOf(c: Context, trustedProxies: readonly string[]): { address: string; isLoopback: boolean } {
  const remote = (c.env as ServerEnv)?.server?.requestIP(c.req.raw)?.address ?? "unknown";
  return clientOrigin(remote, c.req.raw.headers, trustedProxies);
}

/**
 * The hook routes of a running gateway (null when `hooks.enabled` is false): actions on its agent
 * runtime and heartbeat, `hooks.*` settings, and its trusted proxies.
 * @throws {Error} when hooks are enabled without `hooks.token`.
 */
export function createGatewayHooks(services: GatewayServices, config: MayrosConfig, gatewayToken?: string): Hono | null {
  const hooks = config.hooks;
  if (!hooks.enabled) return null;
  const log = services.log.child("hooks");
  const actions = createHookActions({
    run: (req) => services.agent.run(req, "followup"),
    enqueueSystemEvent: (text) => services.heartbeat.enqueueSystemEvent(text),
    requestHeartbeat: (reason) => services.heartbeat.requestNow(reason),
    allowRequestSessionKey: hooks.allowRequestSessionKey,
    allowedSessionKeyPrefixes: hooks.allowedSessionKeyPrefixes,
    onRunError: (runId, error) => log.warn("hook agent run failed", { runId, error }),
  });
  return createHooksRoutes({ config: hooks, actions, trustedProxies: config.gateway.trustedProxies, gatewayToken, log });
}
