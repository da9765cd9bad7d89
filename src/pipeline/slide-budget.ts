import type { Config } from '../runtime/config.js';
import { SlideBudgetError } from '../errors/index.js';

/**
 * What one slide may cost (issue 14): a hostile or absurd file must fail alone, not spin or grow
 * until the process dies and takes the batch with it. Reading (open, tissue mask, stains, QC
 * references) and each tile batch run on worker threads; a thread over its time is stopped, one
 * over its heap is killed by V8, and either way only that slide fails, with this budget named.
 */
export interface SlideBudget {
  /** seconds to open and plan a slide */
  readSeconds: number;
  /** seconds per tile of a tile batch */
  tileSeconds: number;
  /** JavaScript heap per worker thread, MiB */
  heapMb: number;
}

export function budgetFromConfig(config: Pick<Config, 'SLIDE_READ_TIMEOUT_S' | 'TILE_TIMEOUT_S' | 'WORKER_HEAP_MB'>): SlideBudget {
  return { readSeconds: config.SLIDE_READ_TIMEOUT_S, tileSeconds: config.TILE_TIMEOUT_S, heapMb: config.WORKER_HEAP_MB };
}

/** The defaults of src/runtime/config.ts, for callers without a configuration. */
export const DEFAULT_BUDGET: SlideBudget = { readSeconds: 300, tileSeconds: 60, heapMb: 512 };

export type BudgetedTask = { kind: 'read' } | { kind: 'tiles'; tiles: number };

export function taskSeconds(task: BudgetedTask, budget: SlideBudget): number {
  return task.kind === 'read' ? budget.readSeconds : task.tiles * budget.tileSeconds;
}

function describe(task: BudgetedTask): string {
  return task.kind === 'read' ? 'reading and planning the slide' : `a batch of ${task.tiles} tile${task.tiles === 1 ? '' : 's'}`;
}

/**
 * The slide's error when a thread was stopped for its budget; undefined when `err` is something
 * else (a thread that failed on its own keeps its own error).
 */
export function budgetError(path: string, task: BudgetedTask, budget: SlideBudget, err: unknown): SlideBudgetError | undefined {
  const e = err as { name?: string; code?: string } | null;
  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR') {
    const s = taskSeconds(task, budget);
    const key = task.kind === 'read' ? 'SLIDE_READ_TIMEOUT_S' : `TILE_TIMEOUT_S of ${budget.tileSeconds} s per tile`;
    return new SlideBudgetError(`${path}: ${describe(task)} took longer than ${s} s (${key}); the slide was stopped so the rest of the batch could go on`, { cause: err });
  }
  if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new SlideBudgetError(`${path}: ${describe(task)} needed more than the ${budget.heapMb} MiB of memory a worker thread may use (WORKER_HEAP_MB); the slide was stopped so the rest of the batch could go on`, { cause: err });
  }
  return undefined;
}
