import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Evaluates items one after another (slides are written and analysed in turn, never at once: the
 * executor's threads are the parallelism) in a scratch folder removed afterwards, even on failure;
 * each row goes to onRow as soon as it exists, so long runs print as they go.
 */
export async function evaluateInScratchDir<T, R>(
  prefix: string,
  items: readonly T[],
  one: (item: T, index: number, dir: string) => Promise<R>,
  onRow?: (row: R) => void,
): Promise<R[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const rows: R[] = [];
  try {
    for (const [i, item] of items.entries()) {
      const row = await one(item, i, dir);
      rows.push(row);
      onRow?.(row);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}

/**
 * As evaluateInScratchDir, in two stages: while item i is analysed (`finish`, on the executor's
 * threads) the next one is generated and written (`prepare`, on this thread, idle otherwise), one
 * slide ahead at most. Rows keep the items' order; a failure of either stage fails the run.
 */
export async function evaluateStagedInScratchDir<T, P, R>(
  prefix: string,
  items: readonly T[],
  prepare: (item: T, index: number, dir: string) => Promise<P>,
  finish: (prepared: P, item: T, index: number) => Promise<R>,
  onRow?: (row: R) => void,
): Promise<R[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const rows: R[] = [];
  const start = (i: number): Promise<P> | undefined => {
    if (i >= items.length) return undefined;
    const p = prepare(items[i], i, dir);
    // awaited in its turn; until then a failure must not surface as an unhandled rejection
    p.catch(() => undefined);
    return p;
  };
  let next = start(0);
  try {
    for (const [i, item] of items.entries()) {
      const prepared = await next!;
      // the analysis starts first, so its reading and tile dispatch are under way before the
      // next slide's rendering takes this thread
      const finishing = finish(prepared, item, i);
      next = start(i + 1);
      const row = await finishing;
      rows.push(row);
      onRow?.(row);
    }
  } finally {
    await next?.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
