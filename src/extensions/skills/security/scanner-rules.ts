/**
 * @module The static scanner's rules (extensions.md §10, layer 1): 12 line rules and 4 source rules, the 16 the
 * docs claim. Every pattern runs on normalized source (see normalize.ts), never on the raw text only.
 * Fixed against the reference:
 * - the 12th line rule the reference lost is `constructor-chain` (`this.constructor.constructor(...)` and its
 *   bracket forms, the classic escape to the `Function` constructor);
 * - the two `obfuscated-code` entries that shared one id are `obfuscated-code-hex` and `obfuscated-code-base64`;
 * - `semantic-unbounded-query` really checks for a missing `limit` (the reference's lookahead matched every
 *   object) and the two semantic rules run on skill code (the reference required `type: semantic`, which only
 *   SKILL.md contains, so they never fired);
 * - source rules see the normalized source too, so `process["e"+"nv"]` and split `fetch` calls are caught.
 */
import type { ScanSeverity } from "./findings.ts";

/** A rule matched against each logical line; it reports at most one finding per file. */
export interface LineRule {
  ruleId: string;
  severity: ScanSeverity;
  message: string;
  pattern: RegExp;
  /** The rule runs only when the whole normalized source matches this. */
  requiresContext?: RegExp;
  /** Also matched against the line with string contents blanked (identifier references). */
  codePattern?: RegExp;
  /** Extra check on a match (suspicious-network: the port). */
  accept?: (match: RegExpExecArray) => boolean;
}

/** A rule matched against a whole file. */
export interface SourceRule {
  ruleId: string;
  severity: ScanSeverity;
  message: string;
  pattern: RegExp;
  requiresContext?: RegExp;
  /** `stripped`: comments removed only (escape runs must stay visible); default the normalized source. */
  view?: "stripped";
}

/** A network send somewhere in the file. */
const NETWORK = /\bfetch\s*\(|\bpost\b|\bhttps?\.(?:request|get)\b|XMLHttpRequest|sendBeacon|new\s+WebSocket\b/i;
/** A single plain string literal as the only argument. */
const LITERAL_ARG = String.raw`(?:"[^"]*"|'[^']*'|\`[^\`$]*\`)\s*\)`;
const STANDARD_PORTS = new Set([80, 443, 8080, 8443, 3000]);
const DANGEROUS_NAMES = "eval|Function|exec|execSync|spawn|spawnSync|execFile|execFileSync|fork";

/** The 12 line rules. */
export const LINE_RULES: readonly LineRule[] = [
  {
    ruleId: "dangerous-exec",
    severity: "critical",
    message: "Shell command execution (exec/spawn) in a file that uses child_process",
    pattern: /\b(?:exec|execSync|spawn|spawnSync|execFile|execFileSync|fork)\s*\(/,
    requiresContext: /child_process/,
  },
  {
    ruleId: "dynamic-code-execution",
    severity: "critical",
    message: "Dynamic code execution (eval, the Function constructor, or a string passed to a timer)",
    pattern: /\beval\s*\(|(?<![\w$.])(?:new\s+)?Function\s*\(|\bset(?:Timeout|Interval)\s*\(\s*["'`]/,
    // any reference to eval (aliased, indirect, passed along) and `x = Function` outside a type alias
    codePattern: /(?<![\w$.])eval\b(?!\s*:)|(?<!\btype\s+[\w$]+\s*)=\s*Function\s*(?:[;,)]|$)/,
  },
  {
    ruleId: "crypto-mining",
    severity: "critical",
    message: "Crypto-mining reference (mining pool protocol or miner library)",
    pattern: /stratum\+(?:tcp|ssl)|coinhive|cryptonight|xmrig|coin-?imp|webminer|randomx/i,
  },
  {
    ruleId: "suspicious-network",
    severity: "warn",
    message: "WebSocket connection to a non-standard port",
    pattern: /new\s+WebSocket\s*\(\s*["'`]wss?:\/\/[^"'`/\s]*:(\d+)(?=[/"'`?#])/,
    accept: (m) => !STANDARD_PORTS.has(Number(m[1])),
  },
  {
    ruleId: "semantic-unbounded-query",
    severity: "warn",
    message: "Graph query without a limit (or with an unbounded one): it may return excessive results",
    pattern: /\b(?:patternQuery|listTriples)\s*\(\s*(?:\)|\{(?![^}]*\blimit\b)[^}]*\})|\blimit\s*:\s*(?:Infinity|Number\.MAX_\w+|\d{5,})/,
  },
  {
    ruleId: "semantic-unproven-assertion",
    severity: "warn",
    message: "Assertion with requireProof: false — consider requiring a proof",
    pattern: /\brequireProof\s*:\s*false\b/,
  },
  {
    ruleId: "bracket-property-exec",
    severity: "critical",
    message: "Bracket-notation access to a dangerous function (eval/Function/exec/spawn evasion)",
    pattern: new RegExp(String.raw`\[\s*["'\`](?:${DANGEROUS_NAMES})["'\`]\s*\]`),
  },
  {
    ruleId: "dynamic-require",
    severity: "critical",
    message: "require() with a non-literal argument",
    // not a method named require: `require(x: string): T {`
    pattern: new RegExp(String.raw`(?<![\w$.])require\s*\((?![^()]*\)\s*(?::\s*[\w$][\w$<>\[\]., ]*)?\{)\s*(?!${LITERAL_ARG})`),
  },
  {
    ruleId: "global-this-access",
    severity: "warn",
    message: "Bracket access on the global object (globalThis/window/self/global): possible sandbox escape",
    pattern: /(?<![\w$.])(?:globalThis|window|self|global)\s*\[/,
  },
  {
    ruleId: "process-env-bracket",
    severity: "critical",
    message: "Bracket-notation access to process.env in a file that sends over the network",
    pattern: /\bprocess\s*(?:\[\s*["'`]env["'`]\s*\]|\.\s*env\s*\[)/,
    requiresContext: NETWORK,
  },
  {
    ruleId: "dynamic-import",
    severity: "critical",
    message: "import() with a non-literal argument (possible sandbox escape)",
    pattern: new RegExp(String.raw`(?<![\w$.])import\s*\(\s*(?!${LITERAL_ARG})`),
  },
  {
    ruleId: "constructor-chain",
    severity: "critical",
    message: "Constructor-chain access to the Function constructor (x.constructor.constructor)",
    pattern: /\.\s*constructor\s*(?:\.\s*constructor\b|\[\s*["'`]constructor["'`])|\[\s*["'`]constructor["'`]\s*\]\s*(?:\.\s*constructor\b|\[\s*["'`]constructor["'`])|\bconstructor\s*\(\s*["'`]\s*return\b/,
  },
];

/** The 4 source rules. */
export const SOURCE_RULES: readonly SourceRule[] = [
  {
    ruleId: "potential-exfiltration",
    severity: "warn",
    message: "File read combined with a network send: possible data exfiltration",
    pattern: /\breadFileSync\b|\breadFile\b|\bBun\.file\s*\(/,
    requiresContext: NETWORK,
  },
  {
    ruleId: "obfuscated-code-hex",
    severity: "warn",
    message: "Run of hex or unicode escapes (possible obfuscation)",
    pattern: /(?:\\x[0-9a-fA-F]{2}){6,}|(?:\\u[0-9a-fA-F]{4}){6,}/,
    view: "stripped",
  },
  {
    ruleId: "obfuscated-code-base64",
    severity: "warn",
    message: "Large base64 payload being decoded (possible obfuscation)",
    pattern: /(?:\batob|\bBuffer\.from|\bdecodeBase64|\bfromBase64)\s*\(\s*["'`][A-Za-z0-9+/=_-]{200,}["'`]/,
  },
  {
    ruleId: "env-harvesting",
    severity: "critical",
    message: "Environment variable access combined with a network send: possible credential harvesting",
    pattern: /\bprocess\s*(?:\.\s*env\b|\[\s*["'`]env["'`])|\bBun\.env\b|\bDeno\.env\b/,
    requiresContext: NETWORK,
  },
];
