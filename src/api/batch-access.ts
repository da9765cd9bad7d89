import type { Principal } from './auth.js';
import { creatorOf } from './auth.js';
import type { BatchService, BatchView } from './batch-service.js';
import { HttpError } from '../errors/index.js';

/** A submitter sees only its own batches; someone else's answers 404 exactly like a missing one. */
export async function visibleBatch(batches: BatchService, who: Principal, id: number): Promise<BatchView> {
  const b = await batches.get(id);
  if (!b || (who.role === 'submitter' && b.createdBy !== creatorOf(who))) throw new HttpError(404, `batch ${id} not found`);
  return b;
}
