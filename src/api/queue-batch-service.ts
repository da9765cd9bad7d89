import type { BatchStore } from '../store/batch-store.js';
import type { BatchService, SubmitRequest } from './batch-service.js';

/**
 * The BatchService `serve` uses: status from the batch store (batch_slides joined to analyses for
 * tile progress), submissions through the queue service's submit function.
 */
export function queueBatchService(store: BatchStore, submit: (request: SubmitRequest) => Promise<{ batchId: number }>): BatchService {
  return {
    submit,
    // the store's view is a superset of the API's (json-views.ts picks what is sent)
    get: (id) => store.getBatch(id),
    async list(createdBy) {
      return (await store.listBatches(createdBy)).map((b) => ({
        id: b.id,
        status: b.status,
        createdBy: b.createdBy,
        createdAt: b.createdAt,
        slides: b.slides.length,
        done: b.slides.filter((s) => s.status === 'done').length,
        failed: b.slides.filter((s) => s.status === 'failed').length,
      }));
    },
  };
}
