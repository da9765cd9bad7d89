import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

// `train --from-corrections` end to end is test/train/from-corrections.test.ts; here the command's
// refusals, each naming what is wrong, before any model or store work starts
describe('biopsy-quant train', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bq-train-cli-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const cli = (args: string[]) => runCli(['train', ...args], { cwd: dir, dataDir: path.join(dir, 'data') });

  it('refuses without --from-corrections, pointing at npm run train', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/only --from-corrections.*npm run train/);
  });

  it('refuses a bad --since, --holdout, --steps or --base-version', async () => {
    expect((await cli(['--from-corrections', '--since', 'yesterday'])).stderr).toMatch(/--since must be a date/);
    expect((await cli(['--from-corrections', '--holdout', '3,x'])).stderr).toMatch(/--holdout must list analysis ids/);
    expect((await cli(['--from-corrections', '--steps', '0'])).stderr).toMatch(/--steps must be a positive integer/);
    expect((await cli(['--from-corrections', '--base-version', '../x'])).stderr).toMatch(/--base-version is a 12-hex weights hash/);
  });

  it('says so when no analysis in the store has corrections to learn from', async () => {
    const r = await cli(['--from-corrections']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no analysis has cells added or deleted in review: nothing to learn from/);
  });
});
