/**
 * @module `mayros doctor` checks of credentials: the gateway token's strength, credentials of every
 * configured channel account, and a key for every provider the agent's models use (with `--deep`, one
 * authenticated request to each provider's model list).
 */
import type { LoadedConfig } from "../config/index.ts";
import { configuredModelRefs, createProviderRegistry, parseModelRef, type ProviderSettings } from "../agent/providers/registry.ts";
import { ANTHROPIC_VERSION } from "../agent/providers/index.ts";
import { resolveChannelAccounts, DEFAULT_CHANNEL_ACCOUNT } from "../channels/config.ts";
import { isLoopbackHost } from "../tls/index.ts";
import type { DoctorContext, Finding } from "./doctor-local.ts";
import { storedToken } from "./target.ts";

/** Fewest characters of a token or password that doctor accepts (generated tokens have 43). */
export const MIN_SECRET_LENGTH = 24;
const COMMON = ["password", "passwd", "secret", "token", "changeme", "mayros", "admin", "letmein", "qwerty", "123456", "abcdef"];

/**
 * Why a shared secret is weak, or undefined when it looks random enough: shorter than
 * {@link MIN_SECRET_LENGTH}, fewer than 10 different characters, or built on a common word.
 */
export function secretWeakness(secret: string): string | undefined {
  if (secret.length < MIN_SECRET_LENGTH) return `it is only ${secret.length} characters long (use at least ${MIN_SECRET_LENGTH})`;
  if (new Set(secret).size < 10) return `it uses only ${new Set(secret).size} different characters`;
  const word = COMMON.find((w) => secret.toLowerCase().includes(w));
  if (word) return `it contains the common word "${word}"`;
  return undefined;
}

/** The gateway's shared secret: the token (configured, from env, or generated and stored) or the password. */
export function checkToken(ctx: DoctorContext, loaded: LoadedConfig | undefined): Finding {
  const envToken = ctx.env.MAYROS_GATEWAY_TOKEN?.trim() ? ctx.env.MAYROS_GATEWAY_TOKEN : undefined;
  const auth = loaded?.config.gateway.auth;
  const mode = loaded?.authMode ?? "token";
  if (mode === "none") {
    return { check: "token", status: "warn", message: "gateway.auth.mode is \"none\": any program on this machine can control the gateway", hint: "mayros config unset gateway.auth.mode (token auth, the default)" };
  }
  if (mode === "password") {
    const weak = secretWeakness(auth?.password ?? "");
    return weak
      ? { check: "token", status: "fail", message: `the gateway password is weak: ${weak}`, hint: "set a long random one: mayros config set gateway.auth.password \"$(openssl rand -base64 32)\"" }
      : { check: "token", status: "ok", message: "the gateway password looks strong" };
  }
  const token = auth?.token ?? envToken ?? storedToken(ctx.paths.stateDir);
  if (token === undefined) return { check: "token", status: "ok", message: "no token yet: the gateway generates a strong one at its first start" };
  const source = envToken !== undefined && token === envToken ? "MAYROS_GATEWAY_TOKEN" : auth?.token !== undefined ? "gateway.auth.token" : "the generated token";
  const weak = secretWeakness(token);
  if (!weak) return { check: "token", status: "ok", message: `the gateway token (${source}) looks strong` };
  const hint = source === "MAYROS_GATEWAY_TOKEN"
    ? "set MAYROS_GATEWAY_TOKEN to a long random value, e.g. $(openssl rand -hex 32)"
    : "let the gateway generate one (mayros config unset gateway.auth.token), or set a long random one: mayros config set gateway.auth.token \"$(openssl rand -hex 32)\"; clients then need the new token";
  return { check: "token", status: "fail", message: `the gateway token (${source}) is weak: ${weak}`, hint };
}

/** What a channel account needs, for the message about a missing credential. */
const NEEDS: Record<string, string> = {
  telegram: "botToken (or TELEGRAM_BOT_TOKEN; webhook mode also webhookSecret)",
  discord: "token (or DISCORD_BOT_TOKEN)",
  slack: "botToken plus appToken (socket mode) or signingSecret (http mode)",
  signal: "account plus url (or autoStart with signal-cli on PATH)",
  imessage: "serverUrl and password (BlueBubbles), or an imsg cliPath found on PATH",
};

/** Every enabled channel account has its credentials. */
export function checkChannels(ctx: DoctorContext, loaded: LoadedConfig | undefined): Finding[] {
  if (!loaded) return [{ check: "channels", status: "warn", message: "not checked: the config does not load" }];
  const accounts = resolveChannelAccounts(loaded.config, ctx.env);
  if (accounts.length === 0) return [{ check: "channels", status: "ok", message: "no messaging channels configured" }];
  const sections = loaded.config.channels as Record<string, { enabled?: boolean; accounts?: Record<string, { enabled?: boolean }> } | undefined>;
  return accounts.map((a): Finding => {
    const isDefault = a.accountId === DEFAULT_CHANNEL_ACCOUNT;
    const path = isDefault ? `channels.${a.channel}` : `channels.${a.channel}.accounts.${a.accountId}`;
    // An account without credentials is off by default; a section in the config means it is wanted, unless enabled: false.
    const section = sections[a.channel];
    const off = section?.enabled === false || (!isDefault && section?.accounts?.[a.accountId]?.enabled === false);
    if (off) return { check: "channels", status: "ok", message: `${path}: disabled` };
    if (a.configured) return { check: "channels", status: "ok", message: `${path}: credentials present${a.channel === "whatsapp" ? " (linking: mayros channels login whatsapp)" : ""}` };
    return { check: "channels", status: "fail", message: `${path}: credentials missing: needs ${NEEDS[a.channel] ?? "its credentials"}`, hint: `mayros config set ${path}.<key> <value>, or set enabled: false` };
  });
}

/** The outcome of {@link checkProviders}. */
export interface ProviderCheck {
  findings: Finding[];
  /** Server time minus ours, from the first `--deep` answer with a Date header. */
  skew?: { host: string; skewMs: number };
}

/**
 * Every provider of the agent's models (`agents.defaults.model`) resolves and has a key (a local server
 * may go without); with `deep`, each answers an authenticated `GET` of its model list within 5 s.
 */
export async function checkProviders(ctx: DoctorContext, loaded: LoadedConfig | undefined, deep: boolean): Promise<ProviderCheck> {
  if (!loaded) return { findings: [{ check: "providers", status: "warn", message: "not checked: the config does not load" }] };
  const registry = createProviderRegistry({ config: loaded.config, env: ctx.env });
  const ids = [...new Set(configuredModelRefs(loaded.config).flatMap((ref) => {
    try {
      return [parseModelRef(ref).provider];
    } catch {
      return [];
    }
  }))];
  const findings: Finding[] = [];
  let skew: ProviderCheck["skew"];
  for (const id of ids) {
    let settings: ProviderSettings;
    try {
      settings = registry.resolve(id);
    } catch (err) {
      findings.push({ check: "providers", status: "fail", message: (err as Error).message, hint: `mayros config set models.providers.${id}.baseUrl <url>` });
      continue;
    }
    const local = isLoopbackHost(new URL(settings.baseUrl).hostname);
    if (!settings.apiKey && !local) {
      const env = `${id.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_API_KEY`;
      findings.push({ check: "providers", status: "fail", message: `${id}: no API key (models.providers.${id}.apiKey or ${env})`, hint: `mayros config set models.providers.${id}.apiKey <key>, or mayros onboard` });
      continue;
    }
    if (!deep) {
      findings.push({ check: "providers", status: "ok", message: `${id}: ${settings.apiKey ? "API key present" : "local server, no key needed"} (${settings.baseUrl}; --deep tries it)` });
      continue;
    }
    const probe = await probeProvider(settings);
    findings.push(probe.finding);
    skew ??= probe.skew;
  }
  if (ids.length === 0) findings.push({ check: "providers", status: "warn", message: "no model configured (agents.defaults.model.primary)", hint: "mayros onboard" });
  return { findings, ...(skew && { skew }) };
}

/** One authenticated `GET` of the provider's model list. */
async function probeProvider(s: ProviderSettings): Promise<{ finding: Finding; skew?: { host: string; skewMs: number } }> {
  const anthropic = s.api === "anthropic-messages";
  const url = anthropic ? `${s.baseUrl}/v1/models` : `${s.baseUrl}/models`;
  const headers: Record<string, string> = anthropic ? { "anthropic-version": ANTHROPIC_VERSION } : {};
  if (s.apiKey) headers[anthropic ? "x-api-key" : "authorization"] = anthropic ? s.apiKey : `Bearer ${s.apiKey}`;
  const host = new URL(s.baseUrl).host;
  const started = Date.now();
  let res: Response;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  } catch (err) {
    const why = (err as Error).name === "TimeoutError" ? "no answer within 5 s" : (err as Error).message;
    return { finding: { check: "providers", status: "fail", message: `${s.id}: ${host} is unreachable: ${why}`, hint: "check the network, a proxy, or models.providers." + s.id + ".baseUrl" } };
  }
  await res.body?.cancel();
  const date = Date.parse(res.headers.get("date") ?? "");
  const skew = Number.isNaN(date) ? undefined : { host, skewMs: date - (started + Date.now()) / 2 };
  const ms = Date.now() - started;
  if (res.ok) return { finding: { check: "providers", status: "ok", message: `${s.id}: the key works (${host} answered in ${ms} ms)` }, ...(skew && { skew }) };
  if (res.status === 401 || res.status === 403) {
    return { finding: { check: "providers", status: "fail", message: `${s.id}: ${host} rejected the API key (HTTP ${res.status})`, hint: `set a valid key: mayros config set models.providers.${s.id}.apiKey <key>` }, ...(skew && { skew }) };
  }
  return { finding: { check: "providers", status: "warn", message: `${s.id}: ${host} answered HTTP ${res.status} to ${url}` }, ...(skew && { skew }) };
}
