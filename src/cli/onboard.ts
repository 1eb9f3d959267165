/**
 * @module `mayros onboard`: the first run. Asks for the model provider, its API key and model, and an
 * optional Telegram bot token (or takes them from flags with `--non-interactive`), merges them into the
 * config through the config service (validated, written atomically, private), and prints the commands
 * to run next.
 */
import type { Command } from "commander";
import { mkdirSync } from "node:fs";
import { createConfigService, isConfigError, readConfigFile, resolvePaths, validateConfig, type MayrosPaths } from "../config/index.ts";
import { GatewayError } from "../protocol/errors.ts";
import { CliError, ExitCode } from "./errors.ts";
import { createPrompter, type Prompter } from "./onboard-prompt.ts";
import { printJson, printLines } from "./output.ts";
import { selfDisplayName } from "./service-self.ts";

interface OnboardFlags {
  provider?: string;
  apiKey?: string;
  model?: string;
  baseUrl?: string;
  telegramToken?: string;
  nonInteractive?: boolean;
  json?: boolean;
}

/** The answers that make a config. */
export interface OnboardAnswers {
  /** Provider id: anthropic, openai, or another id for an OpenAI-compatible server. */
  provider: string;
  /** Written only when given (a key from the environment or the current config is kept as is). */
  apiKey?: string;
  model: string;
  baseUrl?: string;
  telegramToken?: string;
}

/** Default model per built-in provider. */
export const DEFAULT_MODELS: Record<string, string> = { anthropic: "claude-sonnet-4-5", openai: "gpt-4o" };
const LOCAL_BASE_URL = "http://127.0.0.1:11434/v1";

const checkProvider = (id: string) => (/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id) ? undefined : "a provider id is lowercase letters, digits, - and _ (anthropic, openai, or a name such as local)");
const checkUrl = (url: string) => (/^https?:\/\/[^/\s]+/.test(url) ? undefined : "expected an http:// or https:// URL");
const checkModel = (model: string) => (/^\S+$/.test(model) ? undefined : "expected a model id such as claude-sonnet-4-5");
const checkTelegram = (token: string) => (token === "" || /^\d+:[A-Za-z0-9_-]{20,}$/.test(token) ? undefined : "a Telegram bot token looks like 123456789:AAH… (from @BotFather)");

/** Registers `onboard`. */
export function registerOnboardCommand(program: Command): void {
  program
    .command("onboard")
    .description("first-run setup: model provider, API key and model, optional Telegram bot; writes the config")
    .option("--provider <id>", "anthropic | openai | <id> of an OpenAI-compatible server (needs --base-url)")
    .option("--api-key <key>", "the provider's API key (else ANTHROPIC_API_KEY / OPENAI_API_KEY / <ID>_API_KEY or the current config)")
    .option("--model <id>", "model id at the provider (default claude-sonnet-4-5 / gpt-4o)")
    .option("--base-url <url>", "API base URL (self-hosted servers; OpenAI-compatible ones end in /v1)")
    .option("--telegram-token <token>", "a Telegram bot token from @BotFather")
    .option("--non-interactive", "ask nothing: take everything from flags, the environment and the current config")
    .option("--json", "print machine-readable JSON")
    .action(async (flags: OnboardFlags) => {
      const paths = resolvePaths();
      const current = currentConfig(paths);
      let answers: OnboardAnswers;
      if (flags.nonInteractive) {
        answers = fromFlags(flags, current);
      } else {
        // Questions go to stderr with --json, so stdout stays one JSON document.
        const prompter = createPrompter(process.stdin, flags.json ? process.stderr : process.stdout);
        try {
          answers = await ask(prompter, flags, current);
        } finally {
          prompter.close();
        }
      }
      const saved = save(paths, answers);
      const next = nextCommands(answers, saved.port);
      if (flags.json) {
        return printJson({ ok: true, configPath: paths.configPath, provider: answers.provider, model: `${answers.provider}/${answers.model}`, telegram: Boolean(answers.telegramToken), next });
      }
      printLines(
        `Saved ${paths.configPath}: model ${answers.provider}/${answers.model}${answers.telegramToken ? ", Telegram bot" : ""}.`,
        "Next:",
        ...next.map((n) => `  ${n.command.padEnd(Math.max(...next.map((m) => m.command.length)))}  ${n.why}`),
      );
    });
}

/** The parts of the current config onboarding builds on. */
interface Current {
  hasKey: (provider: string) => boolean;
  baseUrl: (provider: string) => string | undefined;
}

function currentConfig(paths: MayrosPaths): Current {
  let providers: Record<string, { apiKey?: string; baseUrl?: string }> = {};
  try {
    providers = validateConfig(readConfigFile(paths.configPath).data, paths.configPath).models.providers;
  } catch (err) {
    if (!isConfigError(err)) throw err;
    throw new CliError(`${err.message}: fix it first (mayros config edit), or move it away to start over`, ExitCode.USAGE);
  }
  const envKey = (id: string) => process.env[`${id.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_API_KEY`]?.trim();
  return { hasKey: (id) => Boolean(providers[id]?.apiKey || envKey(id)), baseUrl: (id) => providers[id]?.baseUrl };
}

/** `--non-interactive`: everything from flags, checked. */
function fromFlags(flags: OnboardFlags, current: Current): OnboardAnswers {
  const provider = flags.provider ?? "anthropic";
  const usage = (problem: string | undefined, flag: string) => {
    if (problem) throw new CliError(`${flag}: ${problem}`, ExitCode.USAGE);
  };
  usage(checkProvider(provider), "--provider");
  const builtIn = provider in DEFAULT_MODELS;
  if (!builtIn && !flags.baseUrl && !current.baseUrl(provider)) throw new CliError(`--base-url is required for provider "${provider}" (an OpenAI-compatible server, e.g. ${LOCAL_BASE_URL})`, ExitCode.USAGE);
  if (flags.baseUrl) usage(checkUrl(flags.baseUrl), "--base-url");
  const model = flags.model ?? DEFAULT_MODELS[provider];
  if (!model) throw new CliError(`--model is required for provider "${provider}"`, ExitCode.USAGE);
  usage(checkModel(model), "--model");
  if (builtIn && !flags.apiKey && !current.hasKey(provider)) {
    throw new CliError(`--api-key is required for ${provider} (or set ${provider.toUpperCase()}_API_KEY)`, ExitCode.USAGE);
  }
  if (flags.telegramToken !== undefined) usage(checkTelegram(flags.telegramToken), "--telegram-token");
  return { provider, model, ...(flags.apiKey && { apiKey: flags.apiKey }), ...(flags.baseUrl && { baseUrl: flags.baseUrl }), ...(flags.telegramToken && { telegramToken: flags.telegramToken }) };
}

/** The interactive questions; a flag answers its question in advance. */
async function ask(prompter: Prompter, flags: OnboardFlags, current: Current): Promise<OnboardAnswers> {
  process.stdout.write(flags.json ? "" : "Mayros setup: a model provider, its key, and optionally a Telegram bot.\n");
  let provider = flags.provider;
  if (provider === undefined) {
    const choice = await prompter.ask({
      text: "Model provider: anthropic, openai, or other (an OpenAI-compatible server such as Ollama)",
      default: "anthropic",
      check: (a) => (["anthropic", "openai", "other"].includes(a) ? undefined : "answer anthropic, openai or other"),
    });
    provider = choice === "other" ? await prompter.ask({ text: "Provider id", default: "local", check: checkProvider }) : choice;
  }
  const builtIn = provider in DEFAULT_MODELS;
  const baseUrl = flags.baseUrl ?? (builtIn ? undefined : await prompter.ask({ text: "Base URL of the server", default: current.baseUrl(provider) ?? LOCAL_BASE_URL, check: checkUrl }));
  const keep = current.hasKey(provider);
  const apiKey = flags.apiKey ?? await prompter.ask({
    text: `API key for ${provider}${builtIn ? "" : " (Enter if it needs none)"}`,
    secret: true,
    ...(keep && { defaultLabel: "keep the current one" }),
    check: (a) => (a === "" && builtIn && !keep ? "the key is required (it starts with sk-…)" : undefined),
  });
  const model = flags.model ?? await prompter.ask({ text: "Model", ...(DEFAULT_MODELS[provider] && { default: DEFAULT_MODELS[provider] }), check: checkModel });
  const telegramToken = flags.telegramToken ?? await prompter.ask({ text: "Telegram bot token (optional, Enter to skip)", secret: true, check: checkTelegram });
  return { provider, model, ...(apiKey && { apiKey }), ...(baseUrl && { baseUrl }), ...(telegramToken && { telegramToken }) };
}

/** The merge patch of `answers` on the config. */
export function onboardPatch(a: OnboardAnswers): Record<string, unknown> {
  const provider = { ...(a.apiKey && { apiKey: a.apiKey }), ...(a.baseUrl && { baseUrl: a.baseUrl }) };
  return {
    ...(Object.keys(provider).length > 0 && { models: { providers: { [a.provider]: provider } } }),
    agents: { defaults: { model: { primary: `${a.provider}/${a.model}` } } },
    ...(a.telegramToken && { channels: { telegram: { botToken: a.telegramToken } } }),
  };
}

/** Merges the answers into the config (validated, atomic, mode 0600) in a private state dir. */
function save(paths: MayrosPaths, answers: OnboardAnswers): { port: number } {
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  const service = createConfigService({ paths });
  try {
    const { hash } = service.get();
    service.write("patch", JSON.stringify(onboardPatch(answers)), hash);
    return { port: validateConfig(readConfigFile(paths.configPath).data, paths.configPath).gateway.port };
  } catch (err) {
    if (err instanceof GatewayError || isConfigError(err)) throw new CliError(err.message, ExitCode.USAGE);
    throw err;
  }
}

/** What to run next, spelled the way this program is invoked. */
function nextCommands(answers: OnboardAnswers, port: number): { command: string; why: string }[] {
  const self = selfDisplayName();
  return [
    { command: `${self} gateway`, why: "start the gateway in this terminal" },
    { command: `${self} service install`, why: "or run it in the background (systemd / launchd)" },
    { command: `${self} doctor --deep`, why: "check the setup, including the API key" },
    { command: `${self} token`, why: `the token for the control UI at http://127.0.0.1:${port}/ (after the first start)` },
    ...(answers.telegramToken ? [{ command: `${self} pairing approve telegram <code>`, why: "after you message your bot, approve the code it sends" }] : []),
  ];
}
