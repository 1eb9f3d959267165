/**
 * @module Where each built-in channel adapter comes from: its module, imported on first use only (so the
 * grammy / discord.js / Slack / Baileys libraries behind them load only for configured channels), or a factory
 * registered in its place (tests).
 */
import type { ChannelAdapter } from "./types.ts";

/** An adapter with the optional HTTP entry points of webhook / HTTP modes. */
export type HttpChannelAdapter = ChannelAdapter & {
  webhookHandler?(req: Request): Promise<Response>;
  eventsHandler?(req: Request): Promise<Response>;
};

/** Builds one account's adapter from its options (`createTelegramAdapter`, …). Does no I/O. */
export type ChannelFactory = (options: any) => HttpChannelAdapter | Promise<HttpChannelAdapter>;

/**
 * The module and export of each built-in adapter factory. The imports are literal so `bun build --compile`
 * puts every adapter in the binary, and lazy so none is evaluated before its channel starts.
 */
const BUILTIN_MODULES: Record<string, { path: string; factory: string; load(): Promise<Record<string, unknown>> }> = {
  telegram: { path: "./telegram/index.ts", factory: "createTelegramAdapter", load: () => import("./telegram/index.ts") },
  discord: { path: "./discord/index.ts", factory: "createDiscordAdapter", load: () => import("./discord/index.ts") },
  slack: { path: "./slack/index.ts", factory: "createSlackAdapter", load: () => import("./slack/index.ts") },
  signal: { path: "./signal/index.ts", factory: "createSignalAdapter", load: () => import("./signal/index.ts") },
  imessage: { path: "./imessage/index.ts", factory: "createIMessageAdapter", load: () => import("./imessage/index.ts") },
  whatsapp: { path: "./whatsapp/index.ts", factory: "createWhatsAppAdapter", load: () => import("./whatsapp/index.ts") },
};

/** Adapter modules this process imported (the no-channels-no-imports check reads it). */
export const importedAdapterModules = new Set<string>();

/** Factories by channel id: registered overrides first, else the built-in module imported on demand. */
export class AdapterLoader {
  private readonly overrides = new Map<string, ChannelFactory>();
  private readonly imported = new Set<string>();

  constructor(overrides: Record<string, ChannelFactory> = {}) {
    for (const [id, f] of Object.entries(overrides)) this.overrides.set(id, f);
  }

  /** Registers (or replaces) the factory of a channel id. */
  register(channel: string, factory: ChannelFactory): void {
    this.overrides.set(channel, factory);
  }

  /** Adapter modules this loader imported. */
  importedModules(): string[] {
    return [...this.imported];
  }

  /**
   * The factory of `channel`.
   * @throws {Error} "channel adapter module unavailable: <channel> (…)" when its module fails to load
   */
  async load(channel: string): Promise<ChannelFactory> {
    const override = this.overrides.get(channel);
    if (override) return override;
    const mod = BUILTIN_MODULES[channel];
    if (!mod) throw new Error(`no adapter for channel ${channel}`);
    let loaded: Record<string, unknown>;
    try {
      loaded = await mod.load();
    } catch (e) {
      throw new Error(`channel adapter module unavailable: ${channel} (${(e as Error).message ?? String(e)})`);
    }
    this.imported.add(mod.path);
    importedAdapterModules.add(mod.path);
    const factory = loaded[mod.factory];
    if (typeof factory !== "function") throw new Error(`channel adapter module ${mod.path} does not export ${mod.factory}`);
    return factory as ChannelFactory;
  }
}
