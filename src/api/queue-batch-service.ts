import type { BatchStore } from '../store/batch-store.js';
import type { BatchService, SubmitRequest } from './batch-service.js';

/**
 * The BatchService `serve` uses: status from the batch store (batch_slides joined to analyses for
 * tile progress), submissions through the queue service's submit function.
 */
export function queueBatchService(store: BatchStore, submit: (request: SubmitRequest) => Promise<{ batchId: number }>): BatchService {
  return {
    submit,
    async get(id) {
      const b = await store.getBatch(id);
      if (!b) return undefined;
      return {
        id: b.id,
        status: b.status,
        createdBy: b.createdBy,
        createdAt: b.createdAt,
        slides: b.slides.map((s) => ({
          id: s.id,
          path: s.path,
          status: s.status,
          error: s.error,
          code: s.code,
          analysisId: s.analysisId,
          tilesDone: s.tilesDone,
          tilesTotal: s.tilesTotal,
        })),
      };
    },
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
