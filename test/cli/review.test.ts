import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import { seedReviewAnalysis } from '../api/seed-review.js';

let dir: string;
let dataDir: string;
let id: string;

const cli = (args: string[]) => runCli(args, { cwd: dir, dataDir });

// the seeded analysis: 16 cells graded 0,1,2,3,0,1,2,3,0,1 (tile 0) and 0,1,2,3,0,1 (tile 1): H-score 125
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-cli-review-'));
  dataDir = path.join(dir, 'data');
  const store = await openPgliteStore({ dataDir });
  try {
    id = String((await seedReviewAnalysis(store, 'cli-review')).analysisId);
  } finally {
    await store.close();
  }
}, 60_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('biopsy-quant review, corrections and audit', () => {
  it('corrections print the stored correction and the re-computed scores; the first one starts the review', async () => {
    const status = await cli(['review', 'status', id]);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ state: 'analysed', version: 0, scores: { corrections: 0 } });
    const re = await cli(['corrections', 'reclassify', id, 'cell:0:0', '3+']);
    expect(re.code, re.stderr).toBe(0);
    const out = JSON.parse(re.stdout);
    expect(out).toMatchObject({ correction: { seq: 1, kind: 'reclassify', target: 'cell:0:0', author: 'cli' }, state: 'in_review', version: 1 });
    expect(out.scores.scores.hScore).toBeCloseTo(125 + 300 / 16, 12);
    const add = await cli(['corrections', 'add', id, '100', '120', 'negative', '--author', 'dr.k']);
    expect(add.code, add.stderr).toBe(0);
    expect(JSON.parse(add.stdout)).toMatchObject({ correction: { target: 'added:2', author: 'cli:dr.k' }, scores: { corrections: 2, scores: { cells: 17 } } });
    expect(add.stderr).toContain(`analysis ${id}: correction 2 (add added:2); 2 in effect`);
  }, 60_000);

  it('refuses a target of the wrong kind, a bad grade and a bad author with the problem named', async () => {
    const fibre = await cli(['corrections', 'fibre', id, 'cell:0:0', 'positive']);
    expect(fibre.code).not.toBe(0);
    expect(fibre.stderr).toContain("a fibre is 'fibre:<tileId>:<index>'");
    const grade = await cli(['corrections', 'reclassify', id, 'cell:0:1', '4+']);
    expect(grade.stderr).toContain('<grade> must be negative, 1+, 2+ or 3+');
    const who = await cli(['review', 'start', id, '--author', 'a b']);
    expect(who.stderr).toContain('--author must be');
    const list = await cli(['corrections', 'list', id]);
    expect(JSON.parse(list.stdout).map((c: { seq: number }) => c.seq)).toEqual([1, 2]);
  }, 60_000);

  it('sign-off freezes the version: edits are refused until reopen; signed-off rows export with their state and version; the audit log lists it all', async () => {
    const signed = await cli(['review', 'sign-off', id, '--author', 'dr.k']);
    expect(signed.code, signed.stderr).toBe(0);
    expect(JSON.parse(signed.stdout)).toMatchObject({ state: 'signed_off', version: 1, signOffs: [{ version: 1, author: 'cli:dr.k', correctionSeq: 2, corrections: 2 }] });
    const exported = await cli(['export', '--format', 'csv', '--signed-off']);
    expect(exported.code, exported.stderr).toBe(0);
    const [header, row] = exported.stdout.split('\r\n').map((l) => l.split(','));
    expect(Object.fromEntries(header.map((h, i) => [h, row[i]]))).toMatchObject({ patient: 'P1', review_state: 'signed_off', review_version: '1' });
    const edit = await cli(['corrections', 'delete', id, 'cell:0:1']);
    expect(edit.code).not.toBe(0);
    expect(edit.stderr).toContain('signed off (version 1); reopen it to edit');
    const reopened = await cli(['review', 'reopen', id]);
    expect(JSON.parse(reopened.stdout)).toMatchObject({ state: 'in_review', version: 2 });
    const none = await cli(['export', '--format', 'json', '--signed-off']);
    expect(JSON.parse(none.stdout)).toEqual([]);
    const v1 = await cli(['review', 'signed', id, '1']);
    expect(JSON.parse(v1.stdout)).toMatchObject({ version: 1, author: 'cli:dr.k', scores: { cells: 17 } });
    const audit = await cli(['audit', id]);
    expect(audit.code, audit.stderr).toBe(0);
    expect(JSON.parse(audit.stdout).map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([
      ['review.start', 'cli'],
      ['correction.add', 'cli'],
      ['correction.add', 'cli:dr.k'],
      ['review.sign_off', 'cli:dr.k'],
      ['review.reopen', 'cli'],
    ]);
  }, 90_000);
});
