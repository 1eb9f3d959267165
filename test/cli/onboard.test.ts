/**
 * `mayros onboard`: non-interactive with flags, and interactive with the answers driven through stdin;
 * the config it writes starts a gateway whose agent answers (loopback Anthropic fake).
 */
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { onboardPatch } from "../../src/cli/onboard.ts";
import { startAnthropicFake, type SseFake } from "../fakes/anthropic-fake.ts";
import { cliEnv, freePort, repoRoot, runCli, spawnCli } from "./spawn.ts";
import { useTempDirs } from "./temp-dirs.ts";

const stateDir = useTempDirs("mayros-onboard-");

/** Provider keys from the developer's shell must not count. */
const CLEAN_ENV = { ANTHROPIC_API_KEY: "", OPENAI_API_KEY: "", ANTHROPIC_BASE_URL: "", OPENAI_BASE_URL: "" };
const TELEGRAM = "123456789:AAHfakeTokenForTests_0123456789";

/** Runs `mayros onboard args` from source, with `input` as its stdin (a pipe, not a TTY). */
async function onboard(dir: string, args: string[], input?: string, env: Record<string, string> = {}) {
  const proc = Bun.spawn([process.execPath, "src/main.ts", "onboard", ...args], {
    cwd: repoRoot, env: cliEnv(dir, { ...CLEAN_ENV, ...env }),
    stdin: input === undefined ? "ignore" : new TextEncoder().encode(input), stdout: "pipe", stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const config = () => JSON.parse(readFileSync(join(dir, "mayros.json"), "utf8"));
  return { code, stdout, stderr, config };
}

let fake: SseFake;
beforeAll(() => {
  fake = startAnthropicFake({ apiKey: "sk-ant-onboard" });
});
afterAll(() => fake.stop());

describe("mayros onboard --non-interactive", () => {
  it("should write a config whose gateway answers through the provider, and print the next commands", async () => {
    const dir = stateDir();
    const r = await onboard(dir, ["--non-interactive", "--provider", "anthropic", "--api-key", "sk-ant-onboard", "--base-url", fake.url, "--model", "fake-model"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.config()).toEqual({
      models: { providers: { anthropic: { apiKey: "sk-ant-onboard", baseUrl: fake.url } } },
      agents: { defaults: { model: { primary: "anthropic/fake-model" } } },
    });
    expect(statSync(join(dir, "mayros.json")).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(r.stdout).toStartWith(`Saved ${join(dir, "mayros.json")}: model anthropic/fake-model.\nNext:\n`);
    for (const next of ["bun src/main.ts gateway ", "bun src/main.ts service install ", "bun src/main.ts doctor --deep "]) expect(r.stdout).toContain(`  ${next}`);
    expect(r.stdout).not.toContain("sk-ant-onboard");

    // The config works: the gateway starts with it and the agent answers through the (fake) provider.
    const port = String(freePort());
    const gateway = spawnCli(["gateway"], { stateDir: dir, env: { ...CLEAN_ENV, MAYROS_GATEWAY_PORT: port } });
    try {
      await gateway.waitFor(/listening on ws:\/\//);
      fake.script({ text: ["Hello from", " onboarding"] });
      const agent = await runCli(["agent", "--message", "hi"], { stateDir: dir, env: { ...CLEAN_ENV, MAYROS_GATEWAY_PORT: port } });
      expect(agent.stderr).toBe("");
      expect(agent.stdout).toBe("Hello from onboarding\n");
      expect(fake.requests.at(-1)!.body.model).toBe("fake-model");
    } finally {
      await gateway.dispose();
    }
  });

  it("should need a key for a built-in provider unless the environment has one, and a base URL for another", async () => {
    const dir = stateDir();
    const noKey = await onboard(dir, ["--non-interactive"]);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toBe("error: --api-key is required for anthropic (or set ANTHROPIC_API_KEY)\n");
    const fromEnv = await onboard(dir, ["--non-interactive", "--provider", "openai", "--json"], undefined, { OPENAI_API_KEY: "sk-env" });
    expect(fromEnv.code).toBe(0);
    expect(JSON.parse(fromEnv.stdout)).toMatchObject({ ok: true, provider: "openai", model: "openai/gpt-4o", telegram: false });
    expect(fromEnv.config()).toEqual({ agents: { defaults: { model: { primary: "openai/gpt-4o" } } } });
    const noUrl = await onboard(dir, ["--non-interactive", "--provider", "local", "--model", "llama3"]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('--base-url is required for provider "local"');
    const badToken = await onboard(dir, ["--non-interactive", "--provider", "openai", "--api-key", "sk-x", "--telegram-token", "nope"]);
    expect(badToken.code).toBe(2);
    expect(badToken.stderr).toContain("--telegram-token: a Telegram bot token looks like");
  });

  it("should merge into an existing config, keeping its other settings", async () => {
    const dir = stateDir();
    writeFileSync(join(dir, "mayros.json"), "{ gateway: { port: 19100 }, // mine\n}", { mode: 0o600 });
    const r = await onboard(dir, ["--non-interactive", "--provider", "local", "--base-url", "http://127.0.0.1:11434/v1", "--model", "llama3", "--telegram-token", TELEGRAM]);
    expect(r.code).toBe(0);
    expect(r.config()).toEqual({
      gateway: { port: 19100 },
      models: { providers: { local: { baseUrl: "http://127.0.0.1:11434/v1" } } },
      agents: { defaults: { model: { primary: "local/llama3" } } },
      channels: { telegram: { botToken: TELEGRAM } },
    });
    expect(r.stdout).toContain("http://127.0.0.1:19100/");
    expect(r.stdout).toContain("pairing approve telegram <code>");
    // A broken config is not overwritten.
    writeFileSync(join(dir, "mayros.json"), "{ nope");
    const broken = await onboard(dir, ["--non-interactive", "--api-key", "sk-x"]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("fix it first (mayros config edit)");
  });
});

describe("mayros onboard (interactive, answers on stdin)", () => {
  it("should ask for provider, key, model and Telegram token, re-asking after a bad answer", async () => {
    const dir = stateDir();
    const r = await onboard(dir, [], `claude\nopenai\nsk-openai-typed\n\nnot-a-token\n${TELEGRAM}\n`);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Model provider: anthropic, openai, or other (an OpenAI-compatible server such as Ollama) [anthropic]: \n  answer anthropic, openai or other\n");
    expect(r.stdout).toContain("API key for openai: \nModel [gpt-4o]: \nTelegram bot token (optional, Enter to skip): \n  a Telegram bot token looks like");
    expect(r.stdout).not.toContain("sk-openai-typed");
    expect(r.config()).toEqual({
      models: { providers: { openai: { apiKey: "sk-openai-typed" } } },
      agents: { defaults: { model: { primary: "openai/gpt-4o" } } },
      channels: { telegram: { botToken: TELEGRAM } },
    });
  });

  it("should take defaults on Enter, keep a current key, and ask for a server's URL", async () => {
    const dir = stateDir();
    await onboard(dir, ["--non-interactive", "--api-key", "sk-ant-first"]);
    const again = await onboard(dir, [], "\n\n\n\n");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("API key for anthropic [keep the current one]: ");
    expect(again.config().models.providers.anthropic.apiKey).toBe("sk-ant-first");
    expect(again.config().agents.defaults.model.primary).toBe("anthropic/claude-sonnet-4-5");
    const local = await onboard(stateDir(), [], "other\nollama\n\n\nqwen2.5\n\n");
    expect(local.code).toBe(0);
    expect(local.config()).toEqual({
      models: { providers: { ollama: { baseUrl: "http://127.0.0.1:11434/v1" } } },
      agents: { defaults: { model: { primary: "ollama/qwen2.5" } } },
    });
    // Flags answer their questions in advance.
    const partly = await onboard(stateDir(), ["--provider", "anthropic", "--model", "claude-opus-4"], "sk-ant-typed\n\n");
    expect(partly.stdout).not.toContain("Model provider");
    expect(partly.config().agents.defaults.model.primary).toBe("anthropic/claude-opus-4");
  });

  it("should stop with exit 2 when the input ends before the questions are answered", async () => {
    const dir = stateDir();
    const r = await onboard(dir, [], "openai\n");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: the input ended before "API key for openai" was answered\n');
    const nothing = await onboard(dir, []);
    expect(nothing.code).toBe(2);
  });

  it("should document its flags", async () => {
    const r = await runCli(["onboard", "--help"], { stateDir: stateDir() });
    for (const flag of ["--provider", "--api-key", "--model", "--base-url", "--telegram-token", "--non-interactive", "--json"]) expect(r.stdout).toContain(flag);
  });
});

describe("onboardPatch", () => {
  it("should leave out what was not given", () => {
    expect(onboardPatch({ provider: "anthropic", model: "m" })).toEqual({ agents: { defaults: { model: { primary: "anthropic/m" } } } });
  });
});
