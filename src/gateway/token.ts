/** @module The gateway token: from flags, env or config, else generated once and kept in the state database. */
import { randomToken } from "../crypto/primitives.ts";
import type { SettingsRepo } from "../store/index.ts";

/** Settings key of the generated token. */
export const GENERATED_TOKEN_KEY = "gateway.auth.generatedToken";

/** A resolved token and whether it was generated just now (to show it once). */
export interface ResolvedToken {
  token: string;
  generated: boolean;
  source: "configured" | "stored" | "generated";
}

/** Returns the configured token, else the stored generated one, else generates and stores one. */
export function resolveGatewayToken(configured: string | undefined, settings: SettingsRepo): ResolvedToken {
  if (configured) return { token: configured, generated: false, source: "configured" };
  const stored = settings.get(GENERATED_TOKEN_KEY);
  if (stored) return { token: stored, generated: false, source: "stored" };
  const token = randomToken(32);
  settings.set(GENERATED_TOKEN_KEY, token);
  return { token, generated: true, source: "generated" };
}
