/**
 * @module `mayros doctor`: checks the config, the state directory's permissions, the gateway token, the
 * port and lock, channel and provider credentials (`--deep`: providers are asked), disk space and the
 * clock; prints each finding with a fix hint, repairs the safe ones with `--fix`, and exits 1 while
 * anything fails.
 */
import type { Command } from "commander";
import { resolvePaths } from "../config/index.ts";
import { checkChannels, checkProviders, checkToken } from "./doctor-credentials.ts";
import { checkClock, checkConfig, checkDisk, checkLock, checkPermissions, checkPort, type DoctorContext, type Finding } from "./doctor-local.ts";
import { CliError } from "./errors.ts";
import { printJson, printLines } from "./output.ts";

interface DoctorFlags {
  fix?: boolean;
  deep?: boolean;
  json?: boolean;
}

/** A finding as reported, after `--fix`. */
export interface ReportedFinding {
  check: string;
  status: Finding["status"];
  message: string;
  hint?: string;
  /** `--fix` can repair it. */
  fixable: boolean;
  /** `--fix` repaired it (then the status is "ok"). */
  fixed?: boolean;
  /** `--fix` tried and failed. */
  fixError?: string;
}

/** Registers `doctor`. */
export function registerDoctorCommand(program: Command): void {
  program
    .command("doctor")
    .description("check the installation: config, permissions, token, port, lock, credentials, disk, clock")
    .option("--fix", "repair what is safe to repair (permissions of the state dir and config, a stale lock)")
    .option("--deep", "also send one authenticated request to each model provider")
    .option("--json", "print machine-readable JSON")
    .action(async (flags: DoctorFlags) => {
      const findings = await runDoctor({ paths: resolvePaths(), env: process.env, now: Date.now }, flags);
      const failed = findings.filter((f) => f.status === "fail").length;
      if (flags.json) printJson({ ok: failed === 0, findings });
      else printLines(...formatFindings(findings, flags.fix ?? false));
      if (failed > 0) throw new CliError(`doctor found ${failed} problem${failed === 1 ? "" : "s"}`);
    });
}

/** Runs every check, then (with `fix`) the safe repairs. */
export async function runDoctor(ctx: DoctorContext, flags: { fix?: boolean; deep?: boolean } = {}): Promise<ReportedFinding[]> {
  const { finding: config, loaded } = checkConfig(ctx);
  const providers = await checkProviders(ctx, loaded, flags.deep ?? false);
  const findings: Finding[] = [
    config,
    ...checkPermissions(ctx),
    checkToken(ctx, loaded),
    checkLock(ctx),
    await checkPort(ctx, loaded),
    ...checkChannels(ctx, loaded),
    ...providers.findings,
    checkDisk(ctx),
    checkClock(ctx, providers.skew),
  ];
  return findings.map((f) => report(f, flags.fix ?? false));
}

function report({ fix, ...finding }: Finding, apply: boolean): ReportedFinding {
  const reported: ReportedFinding = { ...finding, fixable: fix !== undefined };
  if (!apply || !fix) return reported;
  try {
    fix();
    return { ...reported, status: "ok", fixed: true };
  } catch (err) {
    return { ...reported, fixError: (err as Error).message };
  }
}

const MARK = { ok: "ok  ", warn: "WARN", fail: "FAIL" } as const;

/** The human-readable report: one line per finding, the hint under each problem, then a summary. */
export function formatFindings(findings: ReportedFinding[], fixing: boolean): string[] {
  const lines = findings.flatMap((f) => [
    `${MARK[f.status]} ${f.check}: ${f.message}${f.fixed ? ` (fixed: ${f.hint})` : ""}`,
    ...(f.fixError ? [`     could not fix it: ${f.fixError}`] : []),
    ...(f.status !== "ok" && f.hint ? [`     fix: ${f.hint}${f.fixable && !fixing ? "  (mayros doctor --fix does this)" : ""}`] : []),
  ]);
  const count = (s: Finding["status"]) => findings.filter((f) => f.status === s).length;
  const fixed = findings.filter((f) => f.fixed).length;
  const fixable = findings.filter((f) => f.fixable && !f.fixed && f.status !== "ok").length;
  const summary = [
    count("fail") === 0 && count("warn") === 0 ? "everything looks fine" : `${count("fail")} problem(s), ${count("warn")} warning(s)`,
    ...(fixed > 0 ? [`${fixed} fixed`] : []),
    ...(fixable > 0 ? [`run mayros doctor --fix to repair ${fixable}`] : []),
  ];
  return [...lines, "", summary.join("; ")];
}
