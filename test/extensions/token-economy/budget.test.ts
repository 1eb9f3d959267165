/** @module Budget levels, the worst scope, the notes the model reads, and hard-mode grace counting. */
import { describe, expect, it } from "bun:test";
import { blockReason, budgetNote, graceStep, scopeStatus, worstStatus } from "../../../src/extensions/token-economy/budget.ts";
import { formatUsd } from "../../../src/extensions/token-economy/format.ts";

describe("scopeStatus", () => {
  it("should be ok without a limit or under the threshold, warn from it, exceeded at the limit", () => {
    expect(scopeStatus("daily", 5, undefined, 0.8)).toEqual({ scope: "daily", costUsd: 5, limitUsd: null, fraction: null, level: "ok" });
    expect(scopeStatus("daily", 0.79, 1, 0.8).level).toBe("ok");
    expect(scopeStatus("daily", 0.8, 1, 0.8).level).toBe("warn");
    expect(scopeStatus("daily", 0.999, 1, 0.8).level).toBe("warn");
    expect(scopeStatus("daily", 1, 1, 0.8)).toMatchObject({ level: "exceeded", fraction: 1 });
    expect(scopeStatus("monthly", 1, 1, 1).level).toBe("exceeded");
  });

  it("should pick the worst scope, then the one nearest its limit", () => {
    const session = scopeStatus("session", 0.9, 1, 0.8);
    const daily = scopeStatus("daily", 2, 1, 0.8);
    const monthly = scopeStatus("monthly", 0.95, 1, 0.8);
    expect(worstStatus([session, daily, monthly])?.scope).toBe("daily");
    expect(worstStatus([session, monthly])?.scope).toBe("monthly");
    expect(worstStatus([])).toBeUndefined();
  });
});

describe("budgetNote", () => {
  const warn = scopeStatus("daily", 0.82, 1, 0.8);
  const over = scopeStatus("session", 0.6525, 0.5, 0.8);

  it("should say nothing when ok, warn with the percentage, and tell hard mode what comes", () => {
    expect(budgetNote(scopeStatus("daily", 0.1, 1, 0.8), "soft", 3)).toBeUndefined();
    expect(budgetNote(undefined, "hard", 3)).toBeUndefined();
    expect(budgetNote(warn, "soft", 3)).toBe("[Budget warning: 82% of the $1.00 daily limit used.]");
    expect(budgetNote(warn, "hard", 3)).toContain("tool calls will be blocked once the limit is exceeded");
  });

  it("should ask to wrap up when over in soft mode and to stop, with the grace left, in hard mode", () => {
    expect(budgetNote(over, "soft", 3)).toBe("[Budget limit reached: $0.6525 of the $0.50 session limit used (131%). Wrap up the current task and avoid new model calls.]");
    expect(budgetNote(over, "hard", 2)).toContain("STOP: do not call tools; summarize and end. Grace: 2 tool call(s) left");
    expect(blockReason(over, 3)).toBe("token budget exceeded ($0.6525 of the $0.50 session limit) and the 3 grace tool call(s) are used up. Do not call tools: summarize for the user and end.");
  });
});

describe("graceStep", () => {
  it("should block the first call past the grace count (the 4th with 3) and keep blocking", () => {
    let used = 0;
    const blocked: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      const step = graceStep(true, used, 3);
      used = step.used;
      blocked.push(step.block);
    }
    expect(blocked).toEqual([false, false, false, true, true]);
    expect(graceStep(true, 0, 0)).toEqual({ used: 1, block: true });
  });

  it("should clear the count on a call made under the limit", () => {
    expect(graceStep(false, 7, 3)).toEqual({ used: 0, block: false });
  });
});

describe("formatUsd", () => {
  it("should show cents, or four decimals for fractions of a cent", () => {
    expect([formatUsd(0.8), formatUsd(0.6525), formatUsd(12.3456), formatUsd(0), formatUsd(0.00001)]).toEqual(["$0.80", "$0.6525", "$12.35", "$0.00", "$0.0000"]);
  });
});
