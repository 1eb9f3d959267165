/**
 * @module The static scanner (extensions.md §10, layer 1): skill source is normalized (normalize.ts), then every
 * rule of scanner-rules.ts runs; a line rule reports at most once per file. `scanSkillDir` walks a skill dir:
 * only .js .ts .mjs .cjs .mts .cts .jsx .tsx files, hidden dirs, node_modules and symlinks skipped, at most
 * 500 files of at most 1 MiB. Code that is skipped for a limit is not trusted: it yields a critical
 * `scan-incomplete` finding (the reference skipped it silently, a place to hide a payload).
 */
import { lstatSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ScanFinding } from "./findings.ts";
import { normalizeSource, type NormalizedSource } from "./normalize.ts";
import { isCodeFile, listSkillFiles } from "./skill-files.ts";
import { LINE_RULES, SOURCE_RULES, type LineRule, type SourceRule } from "./scanner-rules.ts";

/** At most this many files are scanned per skill dir. */
export const MAX_SCANNED_FILES = 500;
/** Files larger than this are not scanned (and reported). */
export const MAX_SCANNED_FILE_BYTES = 1024 * 1024;

function lineFinding(rule: LineRule, source: NormalizedSource, file: string): ScanFinding | undefined {
  if (rule.requiresContext && !rule.requiresContext.test(source.joined)) return undefined;
  for (const { text, code, line } of source.lines) {
    const match = rule.pattern.exec(text) ?? rule.codePattern?.exec(code);
    if (match && (!rule.accept || rule.accept(match))) {
      return { ruleId: rule.ruleId, severity: rule.severity, file, line, message: rule.message };
    }
  }
  return undefined;
}

function sourceFinding(rule: SourceRule, source: NormalizedSource, file: string): ScanFinding | undefined {
  const text = rule.view === "stripped" ? source.stripped : source.joined;
  if (!rule.pattern.test(text)) return undefined;
  if (rule.requiresContext && !rule.requiresContext.test(source.joined)) return undefined;
  const line = rule.view === "stripped"
    ? text.slice(0, text.search(rule.pattern)).split("\n").length
    : source.lines.find((l) => rule.pattern.test(l.text))?.line;
  return { ruleId: rule.ruleId, severity: rule.severity, file, ...(line !== undefined && { line }), message: rule.message };
}

/** Scans one file's source with every rule; `file` is the name put in the findings. */
export function scanSource(source: string, file: string): ScanFinding[] {
  const normalized = normalizeSource(source);
  const findings: ScanFinding[] = [];
  for (const rule of LINE_RULES) {
    const finding = lineFinding(rule, normalized, file);
    if (finding) findings.push(finding);
  }
  for (const rule of SOURCE_RULES) {
    const finding = sourceFinding(rule, normalized, file);
    if (finding) findings.push(finding);
  }
  return findings;
}

function incomplete(file: string, message: string): ScanFinding {
  return { ruleId: "scan-incomplete", severity: "critical", file, message };
}

/** Scans every code file of a skill dir; findings name files relative to `dir` with `/` separators. */
export function scanSkillDir(dir: string): ScanFinding[] {
  const files = listSkillFiles(dir, { accept: isCodeFile, limit: MAX_SCANNED_FILES + 1 });
  const findings: ScanFinding[] = [];
  for (const file of files.slice(0, MAX_SCANNED_FILES)) {
    const path = join(dir, file);
    if (lstatSync(path).size > MAX_SCANNED_FILE_BYTES) {
      findings.push(incomplete(file, `File larger than ${MAX_SCANNED_FILE_BYTES} bytes was not scanned`));
      continue;
    }
    findings.push(...scanSource(readFileSync(path, "utf8"), file));
  }
  if (files.length > MAX_SCANNED_FILES) {
    findings.push(incomplete(".", `More than ${MAX_SCANNED_FILES} code files: the rest were not scanned`));
  }
  return findings;
}
