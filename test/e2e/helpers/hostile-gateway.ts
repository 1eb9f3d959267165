/**
 * @module One real gateway (startAgentHarness: in-process startGateway, loopback fake model, real WebSocket client)
 * with the semantic-skills plugin on, for driving hostile skills through its methods and the agent's tool calls:
 * a victim triple in a foreign namespace, a canary file, a benign signed skill to install after each case, and the
 * checks that nothing leaked (triples outside the namespace, files outside the skill's copy).
 */
import { Database } from "bun:sqlite";
import { expect } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TripleStore, type Triple } from "../../../src/extensions/skills/graph/triple-store.ts";
import { generateSkillKeyPair, signSkillDir } from "../../../src/extensions/skills/security/signature.ts";
import { snapshot, type Expected } from "../../extensions/skills/hostile-fixtures.ts";
import { startAgentHarness, startAgentRun, toolResults, type AgentHarness } from "../../helpers/agent.ts";
import type { TestSocket } from "../../helpers/ws-client.ts";

/** The key the corpus' signed fixtures (tampered-after-signing, untrusted-key, …) expect to be trusted. */
const CORPUS_KEY = "b1uzi17swuKl2dcTy8P4bghCYWSbhOF7syVdzSAjCsw=";
/** The benign skill installed after each case. */
const SAMPLE = join(import.meta.dir, "../../fixtures/skills/sample");
/** The gateway's per-skill call rate (layer 7): above the benign skill's one call per case. */
export const MAX_CALLS_PER_MINUTE = 30;
const SECRET = { subject: "secret", predicate: "password", object: "hunter2" };
/** State-dir files a case may change: the gateway's and the plugin's databases (sessions, triples, audit) and the log. */
const EXPECTED_CHANGES = /^(state\.db|plugins\/semantic-skills\/data\.db)(-wal|-shm)?$|^logs\//;

/** Which layer stopped an attack, and its message. */
export type Stop = { layer: string; reason: string } | undefined;

/** The gateway and everything the cases share. */
export interface HostileGateway {
  h: AgentHarness;
  sock: TestSocket;
  /** `<workspace>/skills`: the install root the plugin loads from. */
  skillsDir: string;
  /** Runs one agent turn whose model makes `calls`; the first `[semantic-skills <layer>]` refusal and every result text. */
  callTools(calls: NonNullable<Expected["calls"]>): Promise<{ stop: Stop; texts: string[] }>;
  /** The files of the temp root and the state dir, minus `skip` and the expected changes. */
  files(skip?: string[]): Record<string, string>;
  /** The gateway answers health, the victim triple is untouched and every other triple is inside `mayros:`. */
  expectIntact(): Promise<void>;
  /** Installs the signed sample skill, asserts a triple through it via the model, then removes it. */
  expectBenignWorks(): Promise<void>;
  stop(): Promise<void>;
}

let runs = 0;

/** Starts the gateway (sandbox timeout 500 ms, small per-run limits, signatures required). */
export async function startHostileGateway(): Promise<HostileGateway> {
  const tmp = mkdtempSync(join(tmpdir(), "mayros-hostile-e2e-"));
  const keys = generateSkillKeyPair();
  cpSync(SAMPLE, join(tmp, "src", "sample"), { recursive: true });
  signSkillDir(join(tmp, "src", "sample"), keys.privateKeyPkcs8);
  mkdirSync(join(tmp, "outside"));
  writeFileSync(join(tmp, "outside", "canary.txt"), "do not touch");
  const skillSandbox = { executionTimeoutMs: 500, maxGraphQueries: 10, maxAssertions: 2, maxCallsPerMinute: MAX_CALLS_PER_MINUTE, maxWritesPerSession: 5 };
  const h = await startAgentHarness("anthropic", {
    agents: { defaults: { workspace: join(tmp, "workspace") } },
    plugins: { entries: { "semantic-skills": { enabled: true, config: { skillSandbox, verification: { requireSignature: true, trustedKeys: [CORPUS_KEY, keys.publicKey] } } } } },
  });
  const sock = await h.connect();
  expect((await sock.request("skills.status", {})).payload).toMatchObject({ active: [], failures: [] });
  // A second connection to the plugin's own database: seeds the victim and reads what the cases wrote.
  const db = new Database(join(h.gw.stateDir, "plugins", "semantic-skills", "data.db"));
  const victim = new TripleStore(db, "victim").create(SECRET);

  const callTools: HostileGateway["callTools"] = async (calls) => {
    const toolCalls = calls.flatMap((c, i) => Array.from({ length: c.repeat ?? 1 }, (_, j) => ({ id: `c${i}_${j}`, name: c.tool, args: [JSON.stringify(c.params ?? {})] })));
    h.fake.script({ toolCalls }, { text: ["done"] });
    const id = `hostile-${++runs}`;
    const { final } = await startAgentRun(sock, { message: "go", sessionKey: `agent:main:${id}`, idempotencyKey: id }, id);
    expect((await final).payload.status).toBe("ok");
    const results = toolResults(h.fake.requests.at(-1)!.body);
    const texts = toolCalls.map((c) => results[c.id]!.text);
    for (const c of toolCalls) {
      const tagged = /^(?:blocked: )?\[semantic-skills (\S+)\] (.*)$/s.exec(results[c.id]!.text);
      if (results[c.id]!.isError && tagged) return { stop: { layer: tagged[1]!, reason: tagged[2]! }, texts };
    }
    return { stop: undefined, texts };
  };

  return {
    h, sock, skillsDir: join(tmp, "workspace", "skills"), callTools,
    files: (skip = []) => ({
      ...snapshot(tmp, skip),
      ...Object.fromEntries(Object.entries(snapshot(h.gw.stateDir, [], (rel) => EXPECTED_CHANGES.test(rel))).map(([k, v]) => [`state/${k}`, v])),
    }),
    async expectIntact() {
      expect((await sock.request("health", {})).ok).toBe(true);
      expect(new TripleStore(db, "victim").query({})).toEqual([victim]);
      const others = db.query<Pick<Triple, "subject" | "predicate">, []>("SELECT subject, predicate FROM skill_triples WHERE subject NOT LIKE 'victim:%'").all();
      for (const t of others) expect([t.subject, t.predicate]).toEqual([expect.stringMatching(/^mayros:/), expect.stringMatching(/^mayros:/)]);
    },
    async expectBenignWorks() {
      const res = await sock.request("skills.install", { source: join(tmp, "src", "sample") });
      expect(res.payload).toMatchObject({ installed: { slug: "sample" }, report: { active: ["sample"], failures: [] } });
      try {
        const { stop, texts } = await callTools([{ tool: "skill_assert", params: { subject: "project:mayros", predicate: "status", object: `ok-${runs}` } }]);
        expect([stop, texts[0]]).toEqual([undefined, expect.stringMatching(/^Asserted mayros:project:mayros mayros:status "ok-/)]);
      } finally {
        expect((await sock.request("skills.remove", { slug: "sample" })).payload).toMatchObject({ active: [] });
      }
    },
    async stop() {
      db.close();
      await h.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
