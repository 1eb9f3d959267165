/** `mayros config get|set|unset|validate|edit|path` through the real CLI, and the dot-path helpers. */
import { describe, expect, it } from "bun:test";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatConfigPath, getAtPath, parseConfigPath, setAtPath, unsetAtPath } from "../../src/cli/config-path.ts";
import { REDACTED } from "../../src/config/index.ts";
import { runCli } from "./spawn.ts";
import { useTempDirs } from "./temp-dirs.ts";

const tempDir = useTempDirs("mayros-config-");

/** A fresh state dir and a CLI bound to it. */
function setup(env: Record<string, string> = {}) {
  const stateDir = tempDir();
  const configPath = join(stateDir, "mayros.json");
  return {
    stateDir,
    configPath,
    cli: (...args: string[]) => runCli(["config", ...args], { stateDir, env }),
    file: () => JSON.parse(readFileSync(configPath, "utf8")) as Record<string, any>,
  };
}

describe("mayros config path", () => {
  it("should print <state dir>/mayros.json, or MAYROS_CONFIG_PATH", async () => {
    const { cli, configPath, stateDir } = setup();
    expect((await cli("path")).stdout).toBe(`${configPath}\n`);
    const json = JSON.parse((await cli("path", "--json")).stdout);
    expect(json).toEqual({ stateDir, configPath, exists: false });
    const custom = setup({ MAYROS_CONFIG_PATH: "/etc/mayros/custom.json5" });
    expect((await custom.cli("path")).stdout).toBe("/etc/mayros/custom.json5\n");
  });
});

describe("mayros config get/set/unset", () => {
  it("should give the default of an unset key, then the value set (JSON5), saved atomically with mode 0600", async () => {
    const { cli, configPath, file } = setup();
    const before = await cli("get", "gateway.port", "--json");
    expect(JSON.parse(before.stdout)).toEqual({ path: "gateway.port", value: 18789, source: "default" });
    const set = await cli("set", "gateway.port", "19001");
    expect(set.code).toBe(0);
    expect(set.stdout).toBe(`gateway.port = 19001\nsaved ${configPath}\n`);
    expect(file().gateway.port).toBe(19001);
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    expect((await cli("get", "gateway.port")).stdout).toBe("19001\n");
    // JSON5 objects, lists by index, quoted keys.
    expect((await cli("set", "channels.telegram", "{dmPolicy: 'open', allowFrom: ['*'],}")).code).toBe(0);
    expect((await cli("set", "gateway.trustedProxies[0]", "127.0.0.2")).code).toBe(0);
    expect((await cli("set", 'models.providers["local.llm"].baseUrl', "http://127.0.0.1:11434/v1")).code).toBe(0);
    expect(file().channels.telegram).toEqual({ dmPolicy: "open", allowFrom: ["*"] });
    expect(file().gateway.trustedProxies).toEqual(["127.0.0.2"]);
    expect(file().models.providers["local.llm"].baseUrl).toBe("http://127.0.0.1:11434/v1");
    expect(readdirSync(join(configPath, ".."))).toEqual(["mayros.json"]); // no temp files left behind
  });

  it("should mask secrets on output but store them, and keep them when other keys change", async () => {
    const { cli, file } = setup();
    const set = await cli("set", "channels.telegram.botToken", "123456:AAH-secret");
    expect(set.stdout).toStartWith(`channels.telegram.botToken = "${REDACTED}"`);
    expect(set.stdout).not.toContain("AAH-secret");
    expect((await cli("set", "models.providers.anthropic.apiKey", "sk-ant-secret")).stdout).not.toContain("sk-ant-secret");
    expect((await cli("set", "gateway.port", "19002")).code).toBe(0);
    expect(file().channels.telegram.botToken).toBe("123456:AAH-secret");
    expect(file().models.providers.anthropic.apiKey).toBe("sk-ant-secret");
    const shown = [await cli("get"), await cli("get", "channels.telegram.botToken"), await cli("get", "channels", "--json")];
    for (const r of shown) {
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(REDACTED);
      expect(r.stdout).not.toContain("secret");
    }
  });

  it("should refuse a value the schema rejects, naming the path, and leave the file as it was", async () => {
    const { cli, configPath } = setup();
    await cli("set", "gateway.port", "19003");
    const before = readFileSync(configPath, "utf8");
    const tooBig = await cli("set", "gateway.port", "99999");
    expect(tooBig.code).toBe(2);
    expect(tooBig.stderr).toBe(`error: ${configPath}: gateway.port: must be <= 65535\n`);
    const typo = await cli("set", "gateway.prot", "1");
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("gateway.prot: is not an allowed property");
    const numeric = await cli("set", "gateway.bind", "5");
    expect(numeric.code).toBe(2);
    expect(numeric.stderr).toContain("gateway.bind: must be a string (the value was read as JSON5 number; pass --string to store it as text)");
    expect(readFileSync(configPath, "utf8")).toBe(before);
    expect((await cli("set", "gateway.bind", "127.0.0.1", "--string")).code).toBe(0);
    const badPath = await cli("set", "gateway..port", "1");
    expect(badPath.code).toBe(2);
    expect(badPath.stderr).toContain('config path "gateway..port": empty key at character 9');
  });

  it("should unset a key (its default applies again) and fail for a key that is not set", async () => {
    const { cli, file } = setup();
    await cli("set", "gateway.port", "19004");
    await cli("set", "logging.level", "debug");
    const unset = await cli("unset", "gateway.port", "--json");
    expect(JSON.parse(unset.stdout)).toMatchObject({ ok: true, action: "unset", path: "gateway.port" });
    expect(file().gateway).toEqual({});
    expect(JSON.parse((await cli("get", "gateway.port", "--json")).stdout).source).toBe("default");
    const missing = await cli("unset", "gateway.port");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("gateway.port is not set in");
    const unknown = await cli("get", "no.such.key");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("no.such.key is not set");
  });
});

describe("mayros config validate", () => {
  it("should pass a valid file and report a broken one with its path or line, exit 2", async () => {
    const { cli, configPath } = setup();
    expect((await cli("validate")).stdout).toBe(`${configPath}: valid\n`);
    writeFileSync(configPath, "{ gateway: { port: 'x' } }");
    const bad = await cli("validate", "--json");
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toMatchObject({ valid: false, error: { path: "gateway.port" } });
    writeFileSync(configPath, "{\n  gateway: {\n    port: 1,,\n  }\n}");
    const syntax = await cli("validate");
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(new RegExp(`^error: ${configPath}: line 3, column \\d+: `));
    // Reading a broken file points at the fix.
    const get = await cli("get", "gateway.port");
    expect(get.code).toBe(2);
    expect(get.stderr).toContain("(fix it with `mayros config edit`)");
  });

  it("should check the environment's overrides too", async () => {
    const { cli } = setup({ MAYROS_GATEWAY_PORT: "eighty" });
    const r = await cli("validate");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("MAYROS_GATEWAY_PORT: must be an integer");
  });
});

describe("mayros config edit", () => {
  it("should save a valid edit keeping comments, and keep an invalid one as a draft without saving", async () => {
    const { stateDir, configPath } = setup();
    writeFileSync(configPath, "{\n  // my port\n  gateway: { port: 18789 },\n}\n");
    const edit = (editor: string) => runCli(["config", "edit"], { stateDir, env: { VISUAL: "", EDITOR: editor } });
    const ok = await edit("sed -i s/18789/19005/");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`saved ${configPath}\n`);
    expect(readFileSync(configPath, "utf8")).toBe("{\n  // my port\n  gateway: { port: 19005 },\n}\n");
    expect(statSync(configPath).mode & 0o777).toBe(0o600);

    const bad = await edit("sed -i s/19005/99999/");
    expect(bad.code).toBe(2);
    const draft = /your edit is kept in (\S+)/.exec(bad.stderr)?.[1];
    expect(bad.stderr).toContain(`${configPath}: gateway.port: must be <= 65535: nothing saved`);
    expect(readFileSync(draft!, "utf8")).toContain("99999");
    expect(readFileSync(configPath, "utf8")).toContain("19005");

    const none = await edit("true");
    expect(none.stdout).toBe(`no changes to ${configPath}\n`);
    const failed = await edit("false");
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("the editor (false) exited with 1: nothing saved");
  });

  it("should start a new file from a JSON5 starter", async () => {
    const { stateDir, configPath } = setup();
    const r = await runCli(["config", "edit"], { stateDir, env: { VISUAL: "sed -i s/^}/gateway:{port:19006}}/" } });
    expect(r.code).toBe(0);
    expect(readFileSync(configPath, "utf8")).toContain("gateway:{port:19006}}");
    expect(existsSync(configPath)).toBe(true);
  });
});

describe("config dot paths", () => {
  it("should parse keys, indexes and quoted keys, and format them back", () => {
    expect(parseConfigPath('a.b[0]["c.d"].e')).toEqual(["a", "b", 0, "c.d", "e"]);
    expect(formatConfigPath(["a", "b", 0, "c.d", "e"])).toBe('a.b[0]["c.d"].e');
    for (const bad of ["", "a.", ".a", "a[x]", "a[0", 'a["b"]c']) expect(() => parseConfigPath(bad)).toThrow();
  });

  it("should get, set (creating containers) and unset without changing the input", () => {
    const root = { a: { list: [1, 2] } };
    expect(setAtPath(root, ["a", "list", 2], 3)).toEqual({ a: { list: [1, 2, 3] } });
    expect(setAtPath(root, ["x", 0, "y"], true)).toEqual({ a: { list: [1, 2] }, x: [{ y: true }] });
    expect(() => setAtPath(root, ["a", "list", 5], 0)).toThrow("index 5 is past the end");
    expect(() => setAtPath(root, ["a", "list", "k"], 0)).toThrow('a.list is not an object, so "k" cannot be set in it');
    expect(unsetAtPath(root, ["a", "list", 0])).toEqual({ a: { list: [2] } });
    expect(unsetAtPath(root, ["a", "nope"])).toBeUndefined();
    expect(getAtPath(root, ["a", "list", 1])).toEqual({ found: true, value: 2 });
    expect(root).toEqual({ a: { list: [1, 2] } });
    // __proto__ is an ordinary key here.
    expect(Object.hasOwn(setAtPath({}, ["__proto__"], 1), "__proto__")).toBe(true);
  });
});
