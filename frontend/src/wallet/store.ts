/** Where the encrypted vault record lives: IndexedDB in the browser (one record per origin). */
import type { VaultRecord } from "./vault";

export interface VaultStore {
  get(): Promise<VaultRecord | undefined>;
  put(record: VaultRecord): Promise<void>;
  delete(): Promise<void>;
}

const DB_NAME = "cashkey-wallet";
const STORE = "vault";
const KEY = "current";

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** The vault in IndexedDB (`factory` defaults to the page's `indexedDB`). */
export function indexedDbVaultStore(factory: IDBFactory = globalThis.indexedDB): VaultStore {
  const open = async (): Promise<IDBDatabase> => {
    const req = factory.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    return request(req);
  };
  const run = async <T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const db = await open();
    try {
      return await request(fn(db.transaction(STORE, mode).objectStore(STORE)));
    } finally {
      db.close();
    }
  };
  return {
    get: () => run("readonly", (s) => s.get(KEY) as IDBRequest<VaultRecord | undefined>),
    put: async (record) => void (await run("readwrite", (s) => s.put(record, KEY))),
    delete: async () => void (await run("readwrite", (s) => s.delete(KEY))),
  };
}

/** A vault store in memory (tests, and a session that must not persist). */
export function memoryVaultStore(initial?: VaultRecord): VaultStore {
  let record = initial;
  return {
    get: async () => record,
    put: async (next) => {
      record = next;
    },
    delete: async () => {
      record = undefined;
    },
  };
}
