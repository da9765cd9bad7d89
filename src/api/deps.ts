import type { Config, SecurityConfig, UploadConfig } from '../runtime/config.js';
import type { ApiAuditLog } from '../store/api-audit-log.js';
import type { Store } from '../store/store.js';
import type { TokenStore } from '../store/token-store.js';
import type { BatchService } from './batch-service.js';

export interface ApiDeps {
  store: Store;
  tokens: Pick<TokenStore, 'verify' | 'createToken' | 'list' | 'revoke'>;
  batches: BatchService;
  /** token uses on write routes (security.ts writes, GET /audit reads) */
  audit: Pick<ApiAuditLog, 'record' | 'list'>;
  /** the security and upload keys (and DATA_DIR, kept out of error messages) default when absent */
  config: Pick<Config, 'SLIDES_ROOT' | 'MAX_UPLOAD_BYTES' | 'LOG_LEVEL'> & Partial<SecurityConfig & UploadConfig & Pick<Config, 'DATA_DIR'>>;
  /** named reachability checks for GET /health (e.g. store, redis); each resolves when reachable */
  probes?: Record<string, () => Promise<unknown>>;
  /** how often a progress stream re-reads its batch, ms (default 500) */
  pollMs?: number;
}
