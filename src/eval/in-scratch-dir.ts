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
