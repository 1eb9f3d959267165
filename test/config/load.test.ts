import { afterAll, describe, expect, it } from "bun:test";
import { createHash } from "node:crypto";
import { ConfigError, isConfigError } from "../../src/config/errors.ts";
import { loadConfig, parseConfigText, pointerToDotted, readConfigFile, validateConfig } from "../../src/config/load.ts";
import { removeTempStates, tempState } from "./helpers.ts";

afterAll(removeTempStates);

const MiB = 1024 * 1024;
const DEFAULTS = {
  gateway: {
    port: 18789,
    bind: "loopback",
    auth: { rateLimit: { maxAttempts: 10, windowMs: 60000, lockoutMs: 300000, exemptLoopback: true } },
    tickIntervalMs: 30000,
    handshakeTimeoutMs: 10000,
    pingIntervalMs: 25000,
    healthRefreshMs: 60000,
    maxPayload: 25 * MiB,
    maxBufferedBytes: 50 * MiB,
    trustedProxies: [],
    pairing: { autoApproveLocal: true },
    controlUi: { allowedOrigins: [] },
    nodes: { allowCommands: [], denyCommands: [] },
    tls: { enabled: false, autoGenerate: true },
  },
  logging: { level: "info", maxFileBytes: 10 * MiB, maxFiles: 3 },
  canvasHost: { enabled: true, liveReload: true },
  models: { providers: {} },
  agents: {
    defaults: {
      model: { primary: "anthropic/claude-sonnet-4-5", fallbacks: [] }, timeoutSeconds: 600, maxToolRounds: 50, maxTokens: 8192,
      userTimezone: "UTC", contextTokens: 200000, compaction: { enabled: true, reserveTokens: 16000 },
      heartbeat: { every: "30m", ackMaxChars: 300 }, tools: { allow: [], deny: [], exec: { enabled: false } },
    },
  },
  session: { dmScope: "main", mainKey: "main", reset: {} },
  messages: { queue: { mode: "collect", debounceMs: 1000, cap: 20 } },
  cron: { enabled: true },
  hooks: { enabled: false, path: "/hooks", allowRequestSessionKey: false },
  channels: {},
  plugins: { enabled: true, allow: [], deny: [], load: { paths: [] }, entries: {} },
};

/** Runs `fn` and returns the ConfigError it throws. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(isConfigError(error)).toBe(true);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

describe("readConfigFile", () => {
  it("should report a missing file as empty", () => {
    const { configPath } = tempState();
    const file = readConfigFile(configPath);
    expect(file).toEqual({ exists: false, raw: "", data: {}, hash: createHash("sha256").update("").digest("hex") });
  });

  it("should hash the raw bytes", () => {
    const { configPath, write } = tempState();
    write("{ gateway: { port: 1 } }\n");
    const file = readConfigFile(configPath);
    expect(file.exists).toBe(true);
    expect(file.data).toEqual({ gateway: { port: 1 } });
    expect(file.hash).toBe(createHash("sha256").update("{ gateway: { port: 1 } }\n").digest("hex"));
  });
});

describe("parseConfigText", () => {
  it("should accept JSON5 comments, trailing commas and unquoted keys", () => {
    const text = `// my config\n{\n  /* block */ gateway: { port: 19000, trustedProxies: ['10.0.0.1',], },\n}\n`;
    expect(parseConfigText(text, "/x/mayros.json")).toEqual({ gateway: { port: 19000, trustedProxies: ["10.0.0.1"] } });
  });

  it("should treat a blank file as an empty object", () => {
    expect(parseConfigText(" \n", "/x/mayros.json")).toEqual({});
  });

  it("should name the line and column of a syntax error", () => {
    const error = configError(() => parseConfigText("{\n  gateway: {\n    port: 1 2\n  }\n}\n", "/x/mayros.json"));
    expect(error.message).toBe("/x/mayros.json: line 3, column 13: invalid character '2'");
    expect([error.line, error.column]).toEqual([3, 13]);
  });

  it("should name the end of input when the text is cut short", () => {
    expect(configError(() => parseConfigText("{\n  gateway: {", "/x/mayros.json")).message).toBe(
      "/x/mayros.json: line 2, column 13: invalid end of input",
    );
  });

  it("should reject a top level that is not an object", () => {
    expect(configError(() => parseConfigText("[1]", "/x/mayros.json")).message).toBe("/x/mayros.json: (root): must be an object");
  });
});

describe("validateConfig", () => {
  it("should fill every default from an empty object", () => {
    expect(validateConfig({}, "/x/mayros.json")).toEqual(DEFAULTS as never);
  });

  it("should not change its input", () => {
    const data = { gateway: { port: 2 } };
    validateConfig(data, "/x/mayros.json");
    expect(data).toEqual({ gateway: { port: 2 } });
  });

  it("should keep given values and fill the rest of the section", () => {
    const config = validateConfig({ $schema: "./schema.json", gateway: { auth: { rateLimit: { maxAttempts: 3 } } } }, "/x/m.json");
    expect(config.$schema).toBe("./schema.json");
    expect(config.gateway.auth.rateLimit).toEqual({ maxAttempts: 3, windowMs: 60000, lockoutMs: 300000, exemptLoopback: true });
  });

  it("should name the file and the dotted path of a bad value", () => {
    const error = configError(() => validateConfig({ gateway: { port: 70000 } }, "/home/u/.mayros/mayros.json"));
    expect(error.message).toBe("/home/u/.mayros/mayros.json: gateway.port: must be <= 65535");
    expect(error.path).toBe("gateway.port");
    expect(error.problem).toBe("must be <= 65535");
  });

  it("should name an unknown key", () => {
    expect(configError(() => validateConfig({ gateway: { prot: 1 } }, "/x/m.json")).message).toBe(
      "/x/m.json: gateway.prot: is not an allowed property",
    );
    expect(configError(() => validateConfig({ gatway: {} }, "/x/m.json")).message).toBe("/x/m.json: gatway: is not an allowed property");
  });

  it("should list the allowed values of an enum", () => {
    expect(configError(() => validateConfig({ logging: { level: "loud" } }, "/x/m.json")).message).toBe(
      '/x/m.json: logging.level: must be one of "debug", "info", "warn", "error"',
    );
  });

  it("should show array indices in brackets", () => {
    expect(configError(() => validateConfig({ gateway: { trustedProxies: ["a", 1] } }, "/x/m.json")).message).toBe(
      "/x/m.json: gateway.trustedProxies[1]: must be a string",
    );
  });
});

describe("pointerToDotted", () => {
  it("should convert JSON pointers", () => {
    expect(pointerToDotted("/gateway/port")).toBe("gateway.port");
    expect(pointerToDotted("/")).toBe("(root)");
    expect(pointerToDotted("")).toBe("(root)");
    expect(pointerToDotted("/a~1b/c~0d")).toBe("a/b.c~d");
  });
});

describe("loadConfig", () => {
  it("should fill defaults when the file is missing", () => {
    const { env, configPath, dir } = tempState();
    const loaded = loadConfig({ env });
    expect(loaded.config).toEqual(DEFAULTS as never);
    expect(loaded.paths).toEqual({ stateDir: dir, configPath });
    expect(loaded.file.exists).toBe(false);
    expect(loaded.authMode).toBe("token");
  });

  it("should fill defaults when the file is empty", () => {
    const { env, write } = tempState();
    write("");
    const loaded = loadConfig({ env });
    expect(loaded.file.exists).toBe(true);
    expect(loaded.config).toEqual(DEFAULTS as never);
  });

  it("should let flags beat env and env beat the file", () => {
    const { env, write } = tempState();
    write(`{ gateway: { port: 1000, bind: "lan", auth: { token: "file-token" } } }`);
    expect(loadConfig({ env }).config.gateway.port).toBe(1000);

    const withEnv = { ...env, MAYROS_GATEWAY_PORT: "2000", MAYROS_GATEWAY_TOKEN: "env-token" };
    const fromEnv = loadConfig({ env: withEnv });
    expect([fromEnv.config.gateway.port, fromEnv.config.gateway.auth.token]).toEqual([2000, "env-token"]);

    const fromFlags = loadConfig({ env: withEnv, flags: { port: 3000, token: "flag-token", bind: "loopback" } });
    expect([fromFlags.config.gateway.port, fromFlags.config.gateway.auth.token, fromFlags.config.gateway.bind]).toEqual([
      3000,
      "flag-token",
      "loopback",
    ]);
  });

  it("should keep the file config apart from the overrides", () => {
    const { env, write } = tempState();
    write(`{ gateway: { port: 1000 } }`);
    const loaded = loadConfig({ env: { ...env, MAYROS_GATEWAY_TOKEN: "env-token" }, flags: { port: 3000 } });
    expect(loaded.config.gateway.port).toBe(3000);
    expect(loaded.fileConfig.gateway.port).toBe(1000);
    expect(loaded.fileConfig.gateway.auth.token).toBeUndefined();
    expect(loaded.file.data).toEqual({ gateway: { port: 1000 } });
  });

  it("should reject a MAYROS_GATEWAY_PORT that is not a port, naming the variable", () => {
    const { env } = tempState();
    expect(configError(() => loadConfig({ env: { ...env, MAYROS_GATEWAY_PORT: "abc" } })).message).toBe(
      'MAYROS_GATEWAY_PORT: must be an integer between 1 and 65535, got "abc"',
    );
    expect(configError(() => loadConfig({ env: { ...env, MAYROS_GATEWAY_PORT: "70000" } })).source).toBe("MAYROS_GATEWAY_PORT");
    expect(configError(() => loadConfig({ env: { ...env, MAYROS_GATEWAY_PORT: "80.5" } })).source).toBe("MAYROS_GATEWAY_PORT");
  });

  it("should reject a bad --port flag", () => {
    const { env } = tempState();
    expect(configError(() => loadConfig({ env, flags: { port: 0 } })).message).toBe(
      '--port: must be an integer between 1 and 65535, got "0"',
    );
  });

  it("should choose password mode when a password is set", () => {
    const { env } = tempState();
    expect(loadConfig({ env: { ...env, MAYROS_GATEWAY_PASSWORD: "pw" } }).authMode).toBe("password");
    expect(loadConfig({ env, flags: { password: "pw", token: "t" } }).authMode).toBe("password");
  });

  it("should keep an explicit mode", () => {
    const { env, write } = tempState();
    write(`{ gateway: { auth: { mode: "token", password: "pw" } } }`);
    expect(loadConfig({ env }).authMode).toBe("token");
  });

  it("should allow mode none on loopback only", () => {
    const { env, write, configPath } = tempState();
    write(`{ gateway: { auth: { mode: "none" } } }`);
    expect(loadConfig({ env }).authMode).toBe("none");
    expect(configError(() => loadConfig({ env, flags: { bind: "lan" } })).message).toBe(
      `${configPath}: gateway.auth.mode: "none" is only allowed when gateway.bind is "loopback" (bind is "lan")`,
    );
  });

  it("should refuse password mode without a password", () => {
    const { env, write, configPath } = tempState();
    write(`{ gateway: { auth: { mode: "password" } } }`);
    expect(configError(() => loadConfig({ env })).message).toBe(
      `${configPath}: gateway.auth.password: is required when gateway.auth.mode is "password" (or set MAYROS_GATEWAY_PASSWORD)`,
    );
  });

  it("should name the config path of an invalid file", () => {
    const { env, write, configPath } = tempState();
    write(`{ gateway: { port: "x" } }`);
    expect(configError(() => loadConfig({ env })).message).toBe(`${configPath}: gateway.port: must be an integer`);
  });

  it("should read the file named by MAYROS_CONFIG_PATH", () => {
    const { env, dir } = tempState();
    const other = tempState();
    other.write(`{ logging: { level: "debug" } }`);
    const loaded = loadConfig({ env: { ...env, MAYROS_CONFIG_PATH: other.configPath } });
    expect(loaded.paths).toEqual({ stateDir: dir, configPath: other.configPath });
    expect(loaded.config.logging.level).toBe("debug");
  });
});
