/**
 * @module Layers 7–9 for the semantic tools (extensions.md §10): the per-skill call rate (a 60 s sliding window of
 * `maxCallsPerMinute`, through the security module's limiter), the query caps (per skill: its `maxQueries`, else
 * `maxGraphQueries`; global: `maxGraphQueries` × active skills) and the write cap (`maxAssertions` per skill).
 * Query and write counts are per agent run: {@link SkillLimits.resetRun} starts a new one.
 */

/** A sliding-window limiter: `take(key)` admits one more call for `key`, or answers false. */
export interface RateLimiter {
  take(key: string): boolean;
}

/** Which limit refused a call (`rate`: layer 7; `query`: layer 8; `write`: layer 9). */
export interface LimitRefusal {
  layer: "rate" | "query" | "write";
  reason: string;
}

/** The limits' settings. */
export interface LimitSettings {
  maxGraphQueries: number;
  maxAssertions: number;
}

/** The counters of every active skill. */
export class SkillLimits {
  private queries = new Map<string, number>();
  private writes = new Map<string, number>();

  constructor(private readonly settings: LimitSettings, private readonly rate: RateLimiter) {}

  /** Starts a new agent run: query and write counts back to zero (the rate window keeps sliding). */
  resetRun(): void {
    this.queries.clear();
    this.writes.clear();
  }

  /** Queries `skill` made this run. */
  queryCount(skill: string): number {
    return this.queries.get(skill) ?? 0;
  }

  /**
   * Admits one call of a semantic tool by `skill`, counting a query (`kind: "query"`) or a write (`"write"`).
   * @param skillMaxQueries the skill's own `maxQueries`, if declared
   * @param activeSkills how many skills are active (the global query cap)
   * @returns the refusal, or undefined when admitted (and counted)
   */
  admit(skill: string, kind: "query" | "write" | "other", skillMaxQueries: number | undefined, activeSkills: number): LimitRefusal | undefined {
    const { maxGraphQueries, maxAssertions } = this.settings;
    if (kind === "query") {
      const cap = skillMaxQueries ?? maxGraphQueries;
      if (this.queryCount(skill) >= cap) return { layer: "query", reason: `skill "${skill}" reached its query limit (${cap} per run)` };
      const total = [...this.queries.values()].reduce((a, b) => a + b, 0);
      const global = maxGraphQueries * Math.max(1, activeSkills);
      if (total >= global) return { layer: "query", reason: `the global query limit (${global} per run) is reached` };
    }
    if (kind === "write" && (this.writes.get(skill) ?? 0) >= maxAssertions) return { layer: "write", reason: `skill "${skill}" reached its write limit (${maxAssertions} assertions per run)` };
    if (!this.rate.take(skill)) return { layer: "rate", reason: `skill "${skill}" is over its rate limit (calls per minute)` };
    if (kind === "query") this.queries.set(skill, this.queryCount(skill) + 1);
    if (kind === "write") this.writes.set(skill, (this.writes.get(skill) ?? 0) + 1);
    return undefined;
  }

  /** Counts a declared query run at activation (refused past the skill's cap, not rate-limited). */
  countDeclared(skill: string, skillMaxQueries: number | undefined): boolean {
    if (this.queryCount(skill) >= (skillMaxQueries ?? this.settings.maxGraphQueries)) return false;
    this.queries.set(skill, this.queryCount(skill) + 1);
    return true;
  }
}
