/**
 * @module Baileys' `AuthenticationState` on SQLite (channels.md §6 Decision 2) instead of a folder of JSON
 * files: the credentials are one row (`kind "creds"`), every Signal key one row (`kind "key:<type>"`,
 * key = its id), each value encoded with Baileys' `BufferJSON` so Buffers and Uint8Arrays round-trip.
 * One `keys.set` is one transaction; `clear` forgets the linked device (logout, logged-out).
 */
import { BufferJSON, initAuthCreds, proto } from "@whiskeysockets/baileys";
import type { AuthenticationCreds, AuthenticationState, SignalDataSet, SignalDataTypeMap } from "@whiskeysockets/baileys";
import type { AuthWrite, ChannelAuthStore } from "../auth-store.ts";

const CREDS_KIND = "creds";
const CREDS_KEY = "creds";
const keyKind = (type: string) => `key:${type}`;

/** The auth state of one WhatsApp account and the calls that persist it. */
export interface WhatsAppAuthState {
  /** Passed to `makeWASocket({ auth })`; `creds` is the stored credentials or fresh ones. */
  state: AuthenticationState;
  /** Writes the current credentials (on every `creds.update`). */
  saveCreds(): void;
  /** Whether a device is linked: stored credentials carry the account's own id. */
  linked(): boolean;
}

/** Encodes a value the way Baileys' own file store does. */
export const encodeAuthValue = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
/** Decodes a value written by {@link encodeAuthValue}. */
export const decodeAuthValue = <T>(text: string): T => JSON.parse(text, BufferJSON.reviver) as T;

/** The stored credentials of the account behind `store`, if any. */
function storedCreds(store: ChannelAuthStore): AuthenticationCreds | undefined {
  const stored = store.get(CREDS_KIND, [CREDS_KEY]).get(CREDS_KEY);
  return stored ? decodeAuthValue<AuthenticationCreds>(stored) : undefined;
}

/**
 * Whether the database holds a linked device for the account behind `store`: stored credentials that carry the
 * account's own id. Reads one row and opens nothing; false once a logout or a 401 wiped the credentials.
 */
export function hasStoredWhatsAppLink(store: ChannelAuthStore): boolean {
  return Boolean(storedCreds(store)?.me?.id);
}

/**
 * Loads the stored credentials (or fresh `initAuthCreds()`) of the account behind `store`.
 * Call it again after {@link ChannelAuthStore.clear} to start over with a new identity.
 */
export function loadWhatsAppAuthState(store: ChannelAuthStore): WhatsAppAuthState {
  const creds: AuthenticationCreds = storedCreds(store) ?? initAuthCreds();
  const state: AuthenticationState = {
    creds,
    keys: {
      get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
        const rows = store.get(keyKind(type), ids);
        const out: { [id: string]: SignalDataTypeMap[T] } = {};
        for (const [id, text] of rows) {
          let value: unknown = decodeAuthValue(text);
          // Baileys expects the protobuf class for app-state keys (as its file store does).
          if (type === "app-state-sync-key") value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
          out[id] = value as SignalDataTypeMap[T];
        }
        return out;
      },
      set(data: SignalDataSet) {
        const writes: AuthWrite[] = [];
        for (const [type, entries] of Object.entries(data)) {
          for (const [id, value] of Object.entries(entries ?? {})) {
            writes.push({ kind: keyKind(type), key: id, value: value === null || value === undefined ? null : encodeAuthValue(value) });
          }
        }
        store.write(writes);
      },
    },
  };
  return {
    state,
    saveCreds: () => store.write([{ kind: CREDS_KIND, key: CREDS_KEY, value: encodeAuthValue(state.creds) }]),
    linked: () => Boolean(state.creds.me?.id),
  };
}
