/** @module WhatsApp test setup: a state dir whose database holds a linked device, as a finished QR login leaves it. */
import { join } from "node:path";
import { openDatabase } from "../../src/store/db.ts";
import { createChannelAuthStore } from "../../src/channels/auth-store.ts";
import { loadWhatsAppAuthState } from "../../src/channels/whatsapp/auth-state.ts";

/** Our identity in the WhatsApp tests. */
export const WA_SELF = { id: "15550000000:4@s.whatsapp.net", name: "Mayros" };

/** Links a device in `stateDir`'s database (fresh Baileys creds with `me` set). */
export function seedLinkedWhatsApp(stateDir: string, me: { id: string; name?: string } = WA_SELF): void {
  const db = openDatabase(join(stateDir, "state.db"));
  const auth = loadWhatsAppAuthState(createChannelAuthStore(db, "whatsapp", "default"));
  auth.state.creds.me = me;
  auth.saveCreds();
  db.close();
}

/** Rows of `kind` stored for the default WhatsApp account in `stateDir`'s database. */
export function whatsappAuthRows(stateDir: string, kind: string): number {
  const db = openDatabase(join(stateDir, "state.db"));
  try {
    return (db.query("SELECT COUNT(*) AS n FROM channel_auth WHERE channel = 'whatsapp' AND kind = ?").get(kind) as { n: number }).n;
  } finally {
    db.close();
  }
}
