import { z } from 'zod';
import { openPgliteStore } from './pglite.js';
import { openPostgresStore } from './postgres.js';
import type { Store } from './store.js';
import { StoreError } from '../errors/index.js';

const StoreEnv = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  DATA_DIR: z.string().min(1).default('./data'),
});

/** PostgreSQL when DATABASE_URL is set (service mode), else the embedded PGlite under DATA_DIR/pglite. */
export async function openStore(env: Record<string, string | undefined> = process.env): Promise<Store> {
  const parsed = StoreEnv.safeParse({
    DATABASE_URL: env.DATABASE_URL || undefined,
    DATA_DIR: env.DATA_DIR || undefined,
  });
  if (!parsed.success) {
    throw new StoreError(`store configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const { DATABASE_URL, DATA_DIR } = parsed.data;
  if (DATABASE_URL) return openPostgresStore({ connectionString: DATABASE_URL });
  return openPgliteStore({ dataDir: DATA_DIR });
}
