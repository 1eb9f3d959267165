/** @module The HTTP side of the gateway port (Hono): `/healthz`, `/readyz` and mounted sub-apps. */
import { Hono } from "hono";

/** What the HTTP routes read from the running gateway. */
export interface HttpDeps {
  version: string;
  startedAt: number;
  /** True once channels and services are started. */
  isReady: () => boolean;
  /** Sub-apps mounted at the root (e.g. the canvas host). */
  mounts?: Hono[];
}

/** Builds the Hono app served on the gateway port. */
export function createHttpApp({ version, startedAt, isReady, mounts = [] }: HttpDeps): Hono {
  const app = new Hono();
  app.get("/healthz", (c) => c.json({ ok: true, status: "serving", version, uptimeMs: Date.now() - startedAt }));
  app.get("/readyz", (c) => (isReady() ? c.json({ ready: true }) : c.json({ ready: false }, 503)));
  for (const sub of mounts) app.route("/", sub);
  app.notFound((c) => c.json({ error: "not found", path: c.req.path }, 404));
  return app;
}
