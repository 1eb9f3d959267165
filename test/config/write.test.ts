import { afterAll, describe, expect, it } from "bun:test";
import fs from "node:fs";
import path from "node:path";
import { readConfigFile } from "../../src/config/load.ts";
import { writeConfigAtomic } from "../../src/config/write.ts";
import { removeTempStates, tempState } from "./helpers.ts";

afterAll(removeTempStates);

describe("writeConfigAtomic", () => {
  it("should write pretty JSON with mode 0600 and a hash that readConfigFile agrees with", () => {
    const { configPath } = tempState();
    const data = { gateway: { port: 19000, trustedProxies: ["10.0.0.1"] } };
    const written = writeConfigAtomic(configPath, data);
    const expected = '{\n  "gateway": {\n    "port": 19000,\n    "trustedProxies": [\n      "10.0.0.1"\n    ]\n  }\n}\n';
    expect(written.raw).toBe(expected);
    expect(fs.readFileSync(configPath, "utf8")).toBe(expected);
    expect(fs.statSync(configPath).mode & 0o777).toBe(0o600);
    const file = readConfigFile(configPath);
    expect(file.hash).toBe(written.hash);
    expect(file.data).toEqual(data);
  });

  it("should create missing directories", () => {
    const { dir } = tempState();
    const nested = path.join(dir, "a", "b", "mayros.json");
    writeConfigAtomic(nested, {});
    expect(fs.readFileSync(nested, "utf8")).toBe("{}\n");
  });

  it("should replace an existing file and leave no temp files behind", () => {
    const { dir, configPath, write } = tempState();
    write("// old\n{}");
    fs.chmodSync(configPath, 0o644);
    writeConfigAtomic(configPath, { logging: { level: "debug" } });
    expect(JSON.parse(fs.readFileSync(configPath, "utf8"))).toEqual({ logging: { level: "debug" } });
    expect(fs.statSync(configPath).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir)).toEqual(["mayros.json"]);
  });

  it("should refuse a value that is not JSON", () => {
    const { configPath } = tempState();
    expect(() => writeConfigAtomic(configPath, undefined)).toThrow(`cannot write ${configPath}: the config is not JSON`);
    expect(fs.existsSync(configPath)).toBe(false);
  });
});
