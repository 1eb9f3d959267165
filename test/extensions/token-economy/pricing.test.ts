/** @module Price lookup (exact, longest prefix for dated ids, provider case, overrides) and the cost of usage. */
import { describe, expect, it } from "bun:test";
import { PriceBook, usageCost } from "../../../src/extensions/token-economy/pricing.ts";

describe("PriceBook.lookup", () => {
  const book = new PriceBook();

  it("should find an exact id and a dated id by its family prefix", () => {
    expect(book.lookup("anthropic", "claude-sonnet-4-5")).toMatchObject({ key: "claude-sonnet-4-5", source: "catalog", price: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } });
    expect(book.lookup("anthropic", "claude-sonnet-4-5-20250929")).toMatchObject({ key: "claude-sonnet-4-5", displayName: "Claude Sonnet 4.5" });
    expect(book.lookup("anthropic", "claude-3-5-haiku-20241022")?.price).toEqual({ input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 });
  });

  it("should take the longest matching prefix, not the first", () => {
    expect(book.lookup("openai", "gpt-4o-mini-2024-07-18")?.key).toBe("gpt-4o-mini");
    expect(book.lookup("openai", "gpt-4o-2024-08-06")?.key).toBe("gpt-4o");
    expect(book.lookup("openai", "o1-mini-2024-09-12")?.key).toBe("o1-mini");
    expect(book.lookup("openai", "o1-2024-12-17")?.key).toBe("o1");
  });

  it("should lower-case the provider and price nothing it does not know", () => {
    expect(book.lookup("Google", "gemini-2.0-flash-001")?.key).toBe("gemini-2.0-flash");
    expect(book.lookup("anthropic", "fake-model")).toBeUndefined();
    expect(book.lookup("mistral", "gpt-4o")).toBeUndefined();
  });

  it("should let a config override win a tie, and the longer key win otherwise", () => {
    const own = { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 };
    const overridden = new PriceBook({ "Anthropic/claude-sonnet-4-5": own, "anthropic/claude": { ...own, input: 9 }, "anthropic/fake-model": { ...own, input: 5 } });
    expect(overridden.lookup("anthropic", "claude-sonnet-4-5-20250929")).toMatchObject({ source: "config", price: own, displayName: "Claude Sonnet 4.5" });
    expect(overridden.lookup("anthropic", "claude-haiku-4-5")).toMatchObject({ source: "catalog", key: "claude-haiku-4-5" });
    expect(overridden.lookup("anthropic", "claude-2")).toMatchObject({ source: "config", key: "claude", price: { input: 9 } });
    expect(overridden.lookup("anthropic", "fake-model")?.price.input).toBe(5);
  });

  it("should list the catalog with overrides replacing rows of the same id", () => {
    const list = new PriceBook({ "openai/gpt-4o": { input: 1, output: 1, cacheRead: 0, cacheWrite: 0 }, "local/llama": { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } }).list();
    expect(list.find((p) => p.model === "gpt-4o")).toMatchObject({ provider: "openai", source: "config", input: 1, displayName: "GPT-4o" });
    expect(list.find((p) => p.provider === "local")).toMatchObject({ model: "llama", source: "config" });
    expect(list.filter((p) => p.source === "catalog")).toHaveLength(13);
  });
});

describe("usageCost", () => {
  it("should price each kind of token per million", () => {
    const price = { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 };
    expect(usageCost({ input: 100_000, output: 20_000, cacheRead: 50_000, cacheWrite: 10_000 }, price)).toBeCloseTo(0.3 + 0.3 + 0.015 + 0.0375, 12);
    expect(usageCost({ input: 1_000_000, output: 0, cacheRead: 0, cacheWrite: 0 }, price)).toBe(3);
    expect(usageCost({ input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }, price)).toBe(0);
  });
});
