/**
 * @module `mayros skills list|status|validate <dir>|test <dir>|install <dir|archive>|remove <slug>|audit`: every
 * command calls the running gateway's `skills.*` methods (folders resolved against the CLI's working directory
 * first), so it acts on the gateway's real skills. `--json` prints the method's answer; otherwise text.
 */
import { resolve } from "node:path";
import type { MayrosPluginApi } from "../../plugins/api.ts";
import type { AuditEntry } from "./graph/audit-log.ts";
import type { SkillFailure } from "./registry.ts";
import type { SkillSummary } from "./skills.ts";

type Opts = { json?: boolean; skill?: string; limit?: string };

/** Registers the `skills` command group on `api`. */
export function registerSkillsCli(api: MayrosPluginApi): void {
  const run = async <T>(opts: Opts, method: string, params: Record<string, unknown>, human: (result: T) => string) => {
    const result = (await api.runtime.call(method, params)) as T;
    process.stdout.write(`${opts.json ? JSON.stringify(result, null, 2) : human(result)}\n`);
  };
  const failures = (list: SkillFailure[]) => list.map((f) => `refused [${f.layer}] ${f.error}`);

  api.registerCli(({ program }) => {
    const skills = program.command("skills").description("semantic skills of the running gateway (semantic-skills plugin)");
    skills.command("list").description("the active skills")
      .action((opts: Opts) => run<{ skills: SkillSummary[] }>(opts, "skills.list", {}, (r) =>
        r.skills.length ? r.skills.map((s) => `${s.name}${s.skillVersion ? `@${s.skillVersion}` : ""}  ${s.code ? "code" : "manifest"}  tools: ${s.allowedTools.join(",")}  sha256:${s.hash.slice(0, 12)}`).join("\n") : "No active semantic skills."));
    skills.command("status").description("namespace, folders, active and refused skills")
      .action((opts: Opts) => run<{ namespace: string; skillDirs: string[]; hotReload: boolean; active: string[]; failures: SkillFailure[] }>(opts, "skills.status", {}, (r) =>
        [`namespace: ${r.namespace}`, `folders: ${r.skillDirs.join(", ")}`, `hot reload: ${r.hotReload ? "on" : "off"}`, `active: ${r.active.join(", ") || "none"}`, ...failures(r.failures)].join("\n")));
    skills.command("validate").description("check a skill folder's SKILL.md and scan its code").argument("<dir>")
      .action((dir: string, opts: Opts) => run<{ manifest: { name: string }; findings: Array<{ severity: string; ruleId: string; file: string; line?: number }>; hash: string }>(opts, "skills.validate", { dir: resolve(dir) }, (r) =>
        [`${r.manifest.name}: manifest valid, sha256:${r.hash}`, ...r.findings.map((f) => `${f.severity} ${f.ruleId} ${f.file}${f.line ? `:${f.line}` : ""}`)].join("\n")));
    skills.command("test").description("load a skill folder in the sandbox, run its hooks once, dispose it").argument("<dir>")
      .action((dir: string, opts: Opts) => run<{ name: string; code: boolean }>(opts, "skills.test", { dir: resolve(dir) }, (r) => `${r.name}: ${r.code ? "code loaded and ran in the sandbox" : "no code"}; ok`));
    skills.command("install").description("verify (signature, hashes, scan) and promote a skill folder or .tar.gz").argument("<source>")
      .action((source: string, opts: Opts) => run<{ installed: { slug: string; hash: string } }>(opts, "skills.install", { source: resolve(source) }, (r) => `Installed ${r.installed.slug} (sha256:${r.installed.hash}).`));
    skills.command("remove").description("remove an installed skill").argument("<slug>")
      .action((slug: string, opts: Opts) => run(opts, "skills.remove", { slug }, () => `Removed ${slug}.`));
    skills.command("audit").description("the audit log, newest first").option("--skill <name>").option("--limit <n>", "rows", "50")
      .action((opts: Opts) => run<{ entries: AuditEntry[] }>(opts, "skills.audit", { ...(opts.skill && { skill: opts.skill }), limit: Number(opts.limit) || 50 }, (r) =>
        r.entries.map((e) => `${new Date(e.at).toISOString()} ${e.skill} ${e.operation} ${e.target ?? ""} ${e.detail ?? ""}`.trimEnd()).join("\n") || "No audit entries."));
  }, { commands: ["skills"] });
}
