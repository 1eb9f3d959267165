/**
 * @module Model prices (extensions.md §3): the built-in catalog (USD per 1M tokens), the user's overrides from the
 * plugin config, and the cost of a model call's usage. Lookup lower-cases the provider, tries the exact model id,
 * then the **longest** priced id that is a prefix of it, so dated ids (`claude-sonnet-4-5-20250929`) find their
 * family and `gpt-4o-mini-2024-07-18` is priced as gpt-4o-mini, not gpt-4o (the reference took the first prefix).
 */

/** Prices in USD per 1M tokens of each kind. */
export interface Price {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Token counts of each priced kind. */
export interface Tokens {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** A catalog row. */
export interface CatalogEntry extends Price {
  displayName: string;
  contextWindow: number;
}

/** A resolved price: which key matched and where it came from. */
export interface PriceMatch {
  price: Price;
  /** The priced model id that matched (equal to the model, or a prefix of it). */
  key: string;
  source: "config" | "catalog";
  displayName?: string;
}

/** A row of the price list (catalog merged with the overrides). */
export interface PriceListEntry extends Price {
  provider: string;
  model: string;
  source: "config" | "catalog";
  displayName?: string;
  contextWindow?: number;
}

const entry = (displayName: string, contextWindow: number, input: number, output: number, cacheRead: number, cacheWrite: number): CatalogEntry =>
  ({ displayName, contextWindow, input, output, cacheRead, cacheWrite });

/** The built-in catalog by provider and model id (family ids: dated ids match them by prefix). */
export const CATALOG: Readonly<Record<string, Readonly<Record<string, CatalogEntry>>>> = {
  anthropic: {
    "claude-opus-4-6": entry("Claude Opus 4.6", 200_000, 15, 75, 1.5, 18.75),
    "claude-sonnet-4-6": entry("Claude Sonnet 4.6", 200_000, 3, 15, 0.3, 3.75),
    "claude-sonnet-4-5": entry("Claude Sonnet 4.5", 200_000, 3, 15, 0.3, 3.75),
    "claude-haiku-4-5": entry("Claude Haiku 4.5", 200_000, 0.8, 4, 0.08, 1),
    "claude-3-5-sonnet": entry("Claude 3.5 Sonnet", 200_000, 3, 15, 0.3, 3.75),
    "claude-3-5-haiku": entry("Claude 3.5 Haiku", 200_000, 0.8, 4, 0.08, 1),
  },
  openai: {
    "gpt-4o": entry("GPT-4o", 128_000, 2.5, 10, 1.25, 2.5),
    "gpt-4o-mini": entry("GPT-4o mini", 128_000, 0.15, 0.6, 0.075, 0.15),
    o1: entry("o1", 200_000, 15, 60, 7.5, 15),
    "o1-mini": entry("o1-mini", 128_000, 3, 12, 1.5, 3),
    "o3-mini": entry("o3-mini", 200_000, 1.1, 4.4, 0.55, 1.1),
  },
  google: {
    "gemini-2.0-flash": entry("Gemini 2.0 Flash", 1_000_000, 0.1, 0.4, 0.025, 0.1),
    "gemini-2.0-pro": entry("Gemini 2.0 Pro", 2_000_000, 1.25, 10, 0.315, 1.25),
    "gemini-1.5-pro": entry("Gemini 1.5 Pro", 2_000_000, 1.25, 5, 0.315, 1.25),
  },
};

/** USD cost of `tokens` at `price` (per 1M tokens). */
export function usageCost(tokens: Tokens, price: Price): number {
  return (tokens.input * price.input + tokens.output * price.output + tokens.cacheRead * price.cacheRead + tokens.cacheWrite * price.cacheWrite) / 1_000_000;
}

/** The longest key that is a prefix of `model` (the exact id, when priced, is the longest possible). */
function bestKey(keys: Iterable<string>, model: string): string | undefined {
  let best: string | undefined;
  for (const key of keys) if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  return best;
}

/** The catalog with the user's overrides on top; answers which price applies to a provider's model. */
export class PriceBook {
  /** provider (lower-case) → model → override. */
  private readonly overrides = new Map<string, Map<string, Price>>();

  /** @param overrides prices by `"provider/model"` (the config's `pricing`) */
  constructor(overrides: Record<string, Price> = {}) {
    for (const [ref, price] of Object.entries(overrides)) {
      const slash = ref.indexOf("/");
      const provider = ref.slice(0, slash).toLowerCase();
      const models = this.overrides.get(provider) ?? new Map<string, Price>();
      models.set(ref.slice(slash + 1), price);
      this.overrides.set(provider, models);
    }
  }

  /**
   * The price of `provider`'s `model`: over the overrides and the catalog together, the exact id, else the longest
   * priced prefix; an override wins a tie with the catalog.
   * @returns undefined when neither prices it
   */
  lookup(provider: string, model: string): PriceMatch | undefined {
    const p = provider.toLowerCase();
    const own = this.overrides.get(p);
    const ownKey = own && bestKey(own.keys(), model);
    const catalog = CATALOG[p];
    const catalogKey = catalog && bestKey(Object.keys(catalog), model);
    if (ownKey !== undefined && (catalogKey === undefined || ownKey.length >= catalogKey.length)) {
      return { price: own!.get(ownKey)!, key: ownKey, source: "config", ...(catalogKey === ownKey && { displayName: catalog![catalogKey]!.displayName }) };
    }
    if (catalogKey === undefined) return undefined;
    const { displayName, contextWindow: _window, ...price } = catalog![catalogKey]!;
    return { price, key: catalogKey, source: "catalog", displayName };
  }

  /** Every priced model, catalog rows replaced by overrides of the same id, sorted by provider and model. */
  list(): PriceListEntry[] {
    const rows = new Map<string, PriceListEntry>();
    for (const [provider, models] of Object.entries(CATALOG)) {
      for (const [model, { displayName, contextWindow, ...price }] of Object.entries(models)) rows.set(`${provider}/${model}`, { provider, model, source: "catalog", displayName, contextWindow, ...price });
    }
    for (const [provider, models] of this.overrides) {
      for (const [model, price] of models) {
        const base = rows.get(`${provider}/${model}`);
        rows.set(`${provider}/${model}`, { provider, model, source: "config", ...(base && { displayName: base.displayName, contextWindow: base.contextWindow }), ...price });
      }
    }
    return [...rows.values()].sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model));
  }
}
