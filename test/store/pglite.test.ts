import { migrate } from '../../src/store/migrate.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import { storeSuite } from './store-suite.js';

storeSuite('PGlite (in memory)', async () => {
  const store = await openPgliteStore({ inMemory: true });
  return {
    store,
    sql: async (text, params) => (await store.executor.query(text, params)).rows as never,
    migrateAgain: () => migrate(store.executor),
    cleanup: () => store.close(),
  };
});
