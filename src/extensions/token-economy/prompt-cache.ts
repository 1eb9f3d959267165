/**
 * @module The observational prompt cache (extensions.md §3): an LRU with a TTL of model requests seen recently,
 * keyed by a SHA-256 of provider, model, system prompt and the whole message context. A hook cannot skip a model
 * call, so nothing is served from it: a request identical to a remembered one counts as a hit and adds the cost the
 * first one had to the estimated savings a response cache could have made. Pending requests are tracked by their
 * model call id, so concurrent runs cannot mix up their keys (the reference kept one pending key for all runs).
 */
import type { Clock } from "./calendar.ts";

/** Counters of the cache. */
export interface CacheStats {
  enabled: boolean;
  entries: number;
  hits: number;
  misses: number;
  /** Sum of the remembered cost of every hit, in USD. */
  estimatedSavingsUsd: number;
}

interface Entry {
  costUsd: number;
  storedAt: number;
}

/** What identifies a model request. */
export interface RequestShape {
  provider: string;
  model: string;
  systemPrompt?: string;
  /** The messages sent before the new one, and the new one. */
  history: unknown;
  prompt: string;
}

/** The SHA-256 (hex) of a request's provider, model, system prompt and context, NUL-separated. */
export function requestKey(r: RequestShape): string {
  const hasher = new Bun.CryptoHasher("sha256");
  for (const part of [r.provider, r.model, r.systemPrompt ?? "", JSON.stringify(r.history ?? []), r.prompt]) hasher.update(part).update("\0");
  return hasher.digest("hex");
}

/** An LRU of recent model requests and their cost. */
export class PromptCache {
  private readonly entries = new Map<string, Entry>();
  /** Keys of requests that missed, by model call id, until their cost is known. */
  private readonly pending = new Map<string, string>();
  private hits = 0;
  private misses = 0;
  private savings = 0;

  constructor(private readonly o: { maxEntries: number; ttlMs: number; clock: Clock }) {}

  /** Notes a model request about to be sent (`callId` links it to its outcome). */
  observeRequest(callId: string, key: string): void {
    const now = this.o.clock();
    const hit = this.entries.get(key);
    if (hit && now - hit.storedAt <= this.o.ttlMs) {
      this.hits++;
      this.savings += hit.costUsd;
      // Refresh its place in the LRU order.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return;
    }
    if (hit) this.entries.delete(key);
    this.misses++;
    this.pending.set(callId, key);
    // Outcomes always follow; the bound only guards against a host that never reports one.
    if (this.pending.size > this.o.maxEntries) this.pending.delete(this.pending.keys().next().value!);
  }

  /** Remembers the cost of the request of `callId`, if it missed; a failed call (`costUsd` undefined) is forgotten. */
  observeOutcome(callId: string, costUsd: number | undefined): void {
    const key = this.pending.get(callId);
    if (key === undefined) return;
    this.pending.delete(callId);
    if (costUsd === undefined) return;
    this.entries.set(key, { costUsd, storedAt: this.o.clock() });
    while (this.entries.size > this.o.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The counters. */
  stats(): CacheStats {
    return { enabled: true, entries: this.entries.size, hits: this.hits, misses: this.misses, estimatedSavingsUsd: this.savings };
  }
}
