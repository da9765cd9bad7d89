import { loadConfig } from '../runtime/config.js';
import { MetadataError } from '../errors/index.js';
import { inlineExecutor, threadPoolExecutor, type TileExecutor } from '../pipeline/executor.js';
import { budgetFromConfig } from '../pipeline/slide-budget.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { AnalysisCliOptions } from './analysis-options.js';

export interface RunContext {
  executor: TileExecutor;
  store?: Store;
  close(): Promise<void>;
}

/** Worker pool and store for one CLI run, from options over environment. */
export async function openRunContext(o: AnalysisCliOptions): Promise<RunContext> {
  const config = loadConfig();
  const threads = o.threads === undefined ? config.WORKER_CONCURRENCY : Number(o.threads);
  if (!Number.isInteger(threads) || threads < 0) throw new MetadataError(`--threads must be a whole number ≥ 0, got "${o.threads}"`);
  const executor = threads === 0 ? inlineExecutor() : threadPoolExecutor({ threads, budget: budgetFromConfig(config) });
  const store = o.store ? await openStore({ DATA_DIR: o.dataDir ?? config.DATA_DIR, DATABASE_URL: config.DATABASE_URL }) : undefined;
  return {
    executor,
    store,
    async close() {
      await executor.close();
      await store?.close();
    },
  };
}
