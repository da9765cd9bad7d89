import { loadConfig } from '../runtime/config.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';

export interface StoreCliOptions {
  dataDir?: string;
}

/** The store the cohort commands read and write: DATABASE_URL, else the embedded one under --data-dir / DATA_DIR. */
export async function withCohortStore<T>(o: StoreCliOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore({ DATA_DIR: o.dataDir ?? config.DATA_DIR, DATABASE_URL: config.DATABASE_URL });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
