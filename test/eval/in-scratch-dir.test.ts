import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateStagedInScratchDir } from '../../src/eval/in-scratch-dir.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('evaluateStagedInScratchDir', () => {
  it('prepares the next item while one finishes, one ahead at most, rows in item order, folder removed', async () => {
    const log: string[] = [];
    let dir = '';
    const rows: number[] = [];
    const out = await evaluateStagedInScratchDir(
      'bq-staged-test-',
      [1, 2, 3],
      async (x, i, d) => {
        dir = d;
        log.push(`prepare ${i}`);
        await writeFile(path.join(d, `${i}.txt`), String(x));
        await tick();
        log.push(`prepared ${i}`);
        return x * 10;
      },
      async (p, x, i) => {
        log.push(`finish ${i}`);
        await tick();
        await tick();
        log.push(`finished ${i}`);
        return p + x;
      },
      (r) => rows.push(r),
    );
    expect(out).toEqual([11, 22, 33]);
    expect(rows).toEqual([11, 22, 33]);
    // item 1 is prepared while item 0 finishes, item 2 only once item 1's finish has begun
    expect(log.indexOf('prepare 1')).toBeGreaterThan(log.indexOf('finish 0'));
    expect(log.indexOf('prepare 1')).toBeLessThan(log.indexOf('finished 0'));
    expect(log.indexOf('prepare 2')).toBeGreaterThan(log.indexOf('finish 1'));
    expect(log.indexOf('prepare 2')).toBeGreaterThan(log.indexOf('finished 0'));
    expect(existsSync(dir)).toBe(false);
  });

  it('fails the run when a prepare fails, after the rows before it, and still removes the folder', async () => {
    let dir = '';
    const rows: number[] = [];
    const run = evaluateStagedInScratchDir(
      'bq-staged-test-',
      [1, 2, 3],
      async (x, _i, d) => {
        dir = d;
        if (x === 2) throw new Error('slide 2 could not be written');
        return x;
      },
      async (p) => {
        await tick();
        return p;
      },
      (r) => rows.push(r),
    );
    await expect(run).rejects.toThrow('slide 2 could not be written');
    expect(rows).toEqual([1]);
    expect(existsSync(dir)).toBe(false);
  });
});
