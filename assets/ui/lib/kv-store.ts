/**
 * @module A tiny key-value store on IndexedDB (`mayros` database, `kv` object store). It can hold
 * `CryptoKey` objects, so the device's private key never has to be exported.
 */

const DB_NAME = "mayros";
const STORE = "kv";

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`IndexedDB unavailable: ${req.error?.message ?? "unknown error"}`));
  });
  return opening;
}

async function run<T>(mode: IDBTransactionMode, op: (store: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  return new Promise((resolve, reject) => {
    const req = op(db.transaction(STORE, mode).objectStore(STORE));
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB request failed"));
  });
}

/** The value stored under `key`, or undefined. */
export function kvGet<T>(key: string): Promise<T | undefined> {
  return run<T | undefined>("readonly", (s) => s.get(key));
}

/** Stores `value` (anything structured-cloneable, CryptoKeys included) under `key`. */
export async function kvSet(key: string, value: unknown): Promise<void> {
  await run("readwrite", (s) => s.put(value, key));
}

/** Deletes `key`. */
export async function kvDelete(key: string): Promise<void> {
  await run("readwrite", (s) => s.delete(key));
}
