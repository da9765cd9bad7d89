import type { AnalysisParamsInput } from '../domain/params.js';
import type { SlideMetadata } from '../domain/slide.js';

/**
 * What the API needs from the queue side. The server is given one of these, so the HTTP layer is
 * tested with an in-memory fake while `serve` wires in the BullMQ-backed service.
 */
export type BatchStatus = 'queued' | 'running' | 'done' | 'partial' | 'failed';
export type BatchSlideStatus = 'queued' | 'running' | 'done' | 'failed';

export interface BatchSlideView {
  id: number;
  path: string;
  status: BatchSlideStatus;
  /** readable error of a failed slide, and its stable code (e.g. SLIDE_FORMAT) */
  error: string | null;
  code: string | null;
  analysisId: number | null;
  tilesDone: number;
  /** null until the slide is planned */
  tilesTotal: number | null;
}

export interface BatchView {
  id: number;
  status: BatchStatus;
  /** `token:<id>` for API submissions, `cli` for local ones */
  createdBy: string;
  createdAt: Date;
  slides: BatchSlideView[];
}

export interface BatchSummary {
  id: number;
  status: BatchStatus;
  createdBy: string;
  createdAt: Date;
  slides: number;
  done: number;
  failed: number;
}

export interface SubmitRequest {
  /** absolute, already checked to lie inside SLIDES_ROOT */
  slides: { path: string; metadata: SlideMetadata }[];
  createdBy: string;
  /** the user's overrides; each slide's marker settings go under them (paramsForMarker) */
  params: AnalysisParamsInput;
}

export interface BatchService {
  submit(request: SubmitRequest): Promise<{ batchId: number }>;
  get(id: number): Promise<BatchView | undefined>;
  /** newest first; all batches when createdBy is not given */
  list(createdBy?: string): Promise<BatchSummary[]>;
}

/** A batch is over when nothing in it can change any more. */
export function isFinished(status: BatchStatus): boolean {
  return status === 'done' || status === 'partial' || status === 'failed';
}
