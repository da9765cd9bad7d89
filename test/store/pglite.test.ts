import { PGlite } from '@electric-sql/pglite';
import { migrate } from '../../src/store/migrate.js';
import { pgliteExecutor } from '../../src/store/pglite.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { storeSuite } from './store-suite.js';

storeSuite('PGlite (in memory)', async () => {
  const exec = pgliteExecutor(await PGlite.create());
  await migrate(exec);
  const store = new SqlStore(exec);
  return {
    store,
    sql: async (text, params) => (await exec.query(text, params)).rows as never,
    migrateAgain: () => migrate(exec),
    cleanup: () => store.close(),
  };
});
