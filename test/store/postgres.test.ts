import pg from 'pg';
import { migrate } from '../../src/store/migrate.js';
import { postgresExecutor } from '../../src/store/postgres.js';
import { SqlStore } from '../../src/store/sql-store.js';
import { TEST_DATABASE_URL } from './pg-url.js';
import { cohortSuite } from './cohort-suite.js';
import { namesSuite } from './names-suite.js';
import { reviewSuite } from './review-suite.js';
import { storeSuite, type OpenedStore } from './store-suite.js';

// a fresh schema per run, dropped after
async function open(): Promise<OpenedStore> {
  const schema = `store_test_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 4, options: `-c search_path=${schema}` });
  const exec = postgresExecutor(pool);
  await migrate(exec);
  const store = new SqlStore(exec);
  return {
    store,
    sql: async (text, params) => (await exec.query(text, params)).rows as never,
    migrateAgain: () => migrate(exec),
    cleanup: async () => {
      await store.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    },
  };
}

storeSuite('PostgreSQL', open);
cohortSuite('PostgreSQL', open);
namesSuite('PostgreSQL', open);
reviewSuite('PostgreSQL', open);
