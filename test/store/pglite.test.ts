import { migrate } from '../../src/store/migrate.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import { cohortSuite } from './cohort-suite.js';
import { namesSuite } from './names-suite.js';
import { reviewSuite } from './review-suite.js';
import { storeSuite, type OpenedStore } from './store-suite.js';

async function open(): Promise<OpenedStore> {
  const store = await openPgliteStore({ inMemory: true });
  return {
    store,
    sql: async (text, params) => (await store.executor.query(text, params)).rows as never,
    migrateAgain: () => migrate(store.executor),
    cleanup: () => store.close(),
  };
}

storeSuite('PGlite (in memory)', open);
cohortSuite('PGlite (in memory)', open);
namesSuite('PGlite (in memory)', open);
reviewSuite('PGlite (in memory)', open);
