import path from 'node:path';
import type { BatchService, BatchStatus, BatchSummary, BatchView, SubmitRequest } from '../../src/api/batch-service.js';

/**
 * An in-memory queue stand-in. Each `get` of a running batch advances it one step (one tile per
 * slide), so a progress stream sees several distinct states and then the end; a slide whose file
 * name contains "bad" fails on its first step, like a corrupt slide in a worker.
 */
export class FakeBatches implements BatchService {
  readonly submitted: SubmitRequest[] = [];
  private readonly batches = new Map<number, BatchView>();
  private nextId = 1;
  constructor(private readonly tilesPerSlide = 3) {}

  async submit(request: SubmitRequest): Promise<{ batchId: number }> {
    this.submitted.push(request);
    const id = this.nextId++;
    this.batches.set(id, {
      id,
      status: 'queued',
      createdBy: request.createdBy,
      createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, id)),
      slides: request.slides.map((s, i) => ({
        id: id * 100 + i,
        path: s.path,
        status: 'queued',
        error: null,
        code: null,
        analysisId: null,
        tilesDone: 0,
        tilesTotal: null,
      })),
    });
    return { batchId: id };
  }

  async get(id: number): Promise<BatchView | undefined> {
    const b = this.batches.get(id);
    if (!b) return undefined;
    const snapshot = structuredClone(b);
    this.step(b);
    return snapshot;
  }

  async list(createdBy?: string): Promise<BatchSummary[]> {
    return [...this.batches.values()]
      .filter((b) => createdBy === undefined || b.createdBy === createdBy)
      .reverse()
      .map((b) => ({
        id: b.id,
        status: b.status,
        createdBy: b.createdBy,
        createdAt: b.createdAt,
        slides: b.slides.length,
        done: b.slides.filter((s) => s.status === 'done').length,
        failed: b.slides.filter((s) => s.status === 'failed').length,
      }));
  }

  private step(b: BatchView): void {
    if (b.status === 'done' || b.status === 'partial' || b.status === 'failed') return;
    for (const s of b.slides) {
      if (s.status === 'done' || s.status === 'failed') continue;
      // the file's own name: an uploaded slide's folder is its content's sha256, hex in which
      // "bad" turns up about once in 70 random uploads
      if (path.basename(s.path).includes('bad')) {
        Object.assign(s, { status: 'failed', error: `${s.path}: not a readable slide`, code: 'SLIDE_FORMAT' });
        continue;
      }
      s.status = 'running';
      s.analysisId = s.id;
      s.tilesTotal = this.tilesPerSlide;
      s.tilesDone += 1;
      if (s.tilesDone === this.tilesPerSlide) s.status = 'done';
    }
    const failed = b.slides.filter((s) => s.status === 'failed').length;
    const done = b.slides.filter((s) => s.status === 'done').length;
    let status: BatchStatus = 'running';
    if (failed + done === b.slides.length) status = failed === 0 ? 'done' : done === 0 ? 'failed' : 'partial';
    b.status = status;
  }
}
