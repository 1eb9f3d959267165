import { afterAll, describe, expect, it } from "bun:test";
import fs from "node:fs";
import { loadConfig, readConfigFile } from "../../src/config/load.ts";
import { REDACTED } from "../../src/config/redact.ts";
import { createConfigService } from "../../src/config/service.ts";
import { GatewayError } from "../../src/protocol/errors.ts";
import { removeTempStates, tempState } from "./helpers.ts";

afterAll(removeTempStates);

/** Runs `fn` and returns the GatewayError it throws. */
function gatewayError(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error("expected a GatewayError");
}

function setup(text?: string, env: NodeJS.ProcessEnv = {}) {
  const state = tempState();
  if (text !== undefined) state.write(text);
  const loaded = loadConfig({ env: { ...state.env, ...env } });
  return { ...state, loaded, service: createConfigService(loaded) };
}

describe("createConfigService", () => {
  it("should show the file as written with secrets redacted", () => {
    const { service, configPath } = setup(`{ gateway: { port: 1000, auth: { token: "tok" } } }`, { MAYROS_GATEWAY_PORT: "2000" });
    const got = service.get();
    expect(service.path).toBe(configPath);
    expect(got).toEqual({
      path: configPath,
      exists: true,
      hash: readConfigFile(configPath).hash,
      config: { gateway: { port: 1000, auth: { token: REDACTED } } },
    });
  });

  it("should report a missing file", () => {
    const { service } = setup();
    expect(service.get()).toMatchObject({ exists: false, config: {} });
  });

  it("should serve the JSON schema and UI hints", () => {
    const { service } = setup();
    const result = service.schema();
    expect((result.schema as { additionalProperties: boolean }).additionalProperties).toBe(false);
    expect(result.uiHints["gateway.auth.token"]).toMatchObject({ sensitive: true });
    expect(typeof result.version).toBe("string");
  });

  it("should merge a patch, keep redacted secrets, and not persist env overrides", () => {
    const { service, configPath } = setup(`{ gateway: { port: 1000, auth: { token: "tok" } } }`, { MAYROS_GATEWAY_PASSWORD: "env-pw" });
    const before = service.get();
    const result = service.write("patch", `{ gateway: { bind: "lan", auth: { token: "${REDACTED}" } } }`, before.hash);
    const onDisk = JSON.parse(fs.readFileSync(configPath, "utf8"));
    expect(onDisk).toEqual({ gateway: { port: 1000, bind: "lan", auth: { token: "tok" } } });
    expect(result).toEqual({
      ok: true,
      path: configPath,
      hash: readConfigFile(configPath).hash,
      config: { gateway: { port: 1000, bind: "lan", auth: { token: REDACTED } } },
      restartRequired: true,
    });
  });

  it("should replace the whole file on apply and report no restart when gateway is unchanged", () => {
    const { service, configPath } = setup(`{ gateway: { port: 1000 }, logging: { level: "debug" } }`);
    const result = service.write("apply", `{ gateway: { port: 1000 } }`, service.get().hash);
    expect(JSON.parse(fs.readFileSync(configPath, "utf8"))).toEqual({ gateway: { port: 1000 } });
    expect(result.restartRequired).toBe(false);
  });

  it("should refuse a stale or missing baseHash", () => {
    const { service } = setup(`{}`);
    expect(gatewayError(() => service.write("patch", "{}", "nope")).message).toBe(
      "baseHash does not match: the config changed since it was read; run config.get and retry",
    );
    expect(gatewayError(() => service.write("patch", "{}")).message).toBe(
      "baseHash is required when the config file exists; run config.get and send its hash",
    );
  });

  it("should allow the first write without a baseHash", () => {
    const { service, configPath } = setup();
    service.write("patch", `{ gateway: { port: 19000 } }`);
    expect(readConfigFile(configPath).data).toEqual({ gateway: { port: 19000 } });
  });

  it("should reject an invalid result with the dotted path and leave the file alone", () => {
    const { service, configPath } = setup(`{ gateway: { port: 1000 } }`);
    const error = gatewayError(() => service.write("patch", `{ gateway: { port: 70000 } }`, service.get().hash));
    expect(error.code).toBe("INVALID_REQUEST");
    expect(error.message).toBe(`${configPath}: gateway.port: must be <= 65535`);
    expect(error.options.details).toEqual({ reason: "config_invalid", path: "gateway.port" });
    expect(readConfigFile(configPath).data).toEqual({ gateway: { port: 1000 } });
  });

  it("should reject bad JSON5 in raw naming the line", () => {
    const { service } = setup();
    expect(gatewayError(() => service.write("apply", "{ a: }")).message).toBe("raw: line 1, column 6: invalid character '}'");
  });

  it("should reject mode none on a non-loopback bind", () => {
    const { service, configPath } = setup();
    expect(gatewayError(() => service.write("apply", `{ gateway: { bind: "lan", auth: { mode: "none" } } }`)).message).toBe(
      `${configPath}: gateway.auth.mode: "none" is only allowed when gateway.bind is "loopback" (bind is "lan")`,
    );
  });

  it("should let apply replace a broken file using the hash from the get error", () => {
    const { service, configPath } = setup(`{}`);
    fs.writeFileSync(configPath, "{ broken");
    const error = gatewayError(() => service.get());
    expect(error.code).toBe("UNAVAILABLE");
    const hash = (error.options.details as { hash: string }).hash;
    service.write("apply", `{ logging: { level: "warn" } }`, hash);
    expect(readConfigFile(configPath).data).toEqual({ logging: { level: "warn" } });
  });

  it("should call onWrite with the new effective config", () => {
    const state = tempState();
    const seen: Array<[number, boolean]> = [];
    const service = createConfigService({
      paths: loadConfig({ env: state.env }).paths,
      env: { MAYROS_GATEWAY_PORT: "4000" },
      onWrite: (loaded, restart) => seen.push([loaded.config.gateway.port, restart]),
    });
    service.write("patch", `{ gateway: { port: 3000 } }`);
    expect(seen).toEqual([[4000, true]]);
  });
});
