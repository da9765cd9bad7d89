import type { Config } from '../runtime/config.js';
import type { Store } from '../store/store.js';
import type { TokenStore } from '../store/token-store.js';
import type { BatchService } from './batch-service.js';

export interface ApiDeps {
  store: Store;
  tokens: Pick<TokenStore, 'verify' | 'createToken' | 'list' | 'revoke'>;
  batches: BatchService;
  config: Pick<Config, 'SLIDES_ROOT' | 'MAX_UPLOAD_BYTES' | 'LOG_LEVEL'>;
  /** named reachability checks for GET /health (e.g. store, redis); each resolves when reachable */
  probes?: Record<string, () => Promise<unknown>>;
  /** how often a progress stream re-reads its batch, ms (default 500) */
  pollMs?: number;
}
