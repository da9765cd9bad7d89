import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCORE_CSV_HEADER } from '../../src/api/scores-csv.js';
import { openHarness, stopProcess, TEST_REDIS_URL, type Harness } from '../../src/service/local-cluster.js';
import { MuscleGroundTruth } from '../../src/synthetic/muscle/index.js';
import { spawnServe } from './spawn-serve.js';

/**
 * The real thing: `token create`, `serve` and `worker` as child processes on PostgreSQL (a fresh
 * schema) and Redis (a unique prefix), then the `submit`, `status` and `scores` CLIs against it.
 */
const REPO = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(REPO, 'bin/biopsy-quant.js');
const DEMO = 'P01-month6-CD163.svs';

let h: Harness;
let dir: string;
let env: Record<string, string>;
let serve: ChildProcess | undefined;
let url = '';

function run(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`biopsy-quant ${args.join(' ')} ran over ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function startServe(): Promise<string> {
  const s = spawnServe(BIN, dir, env);
  serve = s.child;
  return s.listening;
}

beforeAll(async () => {
  h = await openHarness();
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-serve-'));
  await mkdir(path.join(dir, 'slides'));
  await copyFile(path.join(REPO, 'slides', DEMO), path.join(dir, 'slides', DEMO));
  await writeFile(path.join(dir, 'slides', 'broken.tif'), 'II*\0 this is not a TIFF');
  await writeFile(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ slides: [{ file: DEMO, patient: 'P01', timepoint: 'month-6', marker: 'CD163' }, { file: 'broken.tif', patient: 'P09' }] }),
  );
  env = {
    REDIS_URL: TEST_REDIS_URL,
    DATABASE_URL: h.databaseUrl,
    QUEUE_PREFIX: h.prefix,
    SLIDES_ROOT: path.join(dir, 'slides'),
    WORKER_CONCURRENCY: '1',
    LOG_LEVEL: 'warn',
    BQ_URL: '',
    BQ_TOKEN: '',
  };
}, 60_000);

afterAll(async () => {
  if (serve) await stopProcess(serve);
  await h?.cleanup();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('biopsy-quant serve (child process)', () => {
  const tokens: Record<string, string> = {};

  it('token create prints the new token once and nothing else on stdout', async () => {
    for (const role of ['submitter', 'reader']) {
      const r = await run(['token', 'create', '--role', role, '--name', `e2e ${role}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^bq_[A-Za-z0-9_-]{43}\n$/);
      expect(r.stderr).toMatch(new RegExp(`token \\d+ \\(${role}, "e2e ${role}"\\) created; it is not shown again`));
      tokens[role] = r.stdout.trim();
    }
    const bad = await run(['token', 'create', '--role', 'root']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('--role must be one of submitter, reader, pathologist, admin (got "root")');
  }, 60_000);

  it('answers /health with the store and Redis reachable', async () => {
    url = await startServe();
    const res = await fetch(`${url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { store: 'ok', redis: 'ok' } });
    expect((await fetch(`${url}/batches`)).status).toBe(401);
  }, 60_000);

  it('submit follows a batch to its end with a worker; one bad slide fails alone and the exit code is 1', async () => {
    await h.startWorker();
    const r = await run(['submit', 'manifest.json', '--url', url, '--token', tokens.submitter], 120_000);
    expect(r.code, r.stderr).toBe(1);
    // not a terminal: one line per slide status change instead of bars
    expect(r.stderr).toMatch(/batch (\d+): 2 slide\(s\) submitted/);
    expect(r.stderr).toContain(`${DEMO}: done`);
    expect(r.stderr).toMatch(/broken\.tif: failed: .*broken\.tif/);
    const batchId = /batch (\d+): 2 slide/.exec(r.stderr)![1];
    expect(r.stdout).toContain(`batch ${batchId}: partial`);

    const status = await run(['status', batchId, '--json', '--url', url], 30_000);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('no API token: pass --token or set BQ_TOKEN');
    const st = await run(['status', batchId, '--json', '--url', url, '--token', tokens.reader], 30_000);
    expect(st.code, st.stderr).toBe(0);
    const batch = JSON.parse(st.stdout);
    expect(batch.status).toBe('partial');
    expect(batch.slides.map((s: { status: string }) => s.status)).toEqual(['done', 'failed']);
    expect(batch.slides[0].tilesDone).toBe(batch.slides[0].tilesTotal);
    expect(batch.slides[1].code).toBe('SLIDE_FORMAT');

    const csv = await run(['scores', '--format', 'csv', '--patient', 'P01', '--url', url, '--token', tokens.reader], 30_000);
    expect(csv.code, csv.stderr).toBe(0);
    const lines = csv.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toBe(SCORE_CSV_HEADER.join(','));
    expect(lines).toHaveLength(2);
    const row = Object.fromEntries(SCORE_CSV_HEADER.map((k, i) => [k, lines[1].split(',')[i]]));
    expect(row.analysis_id).toBe(String(batch.slides[0].analysisId));
    expect(row.biopsy).toBe('P01:month-6');
    expect(Number(row.cells)).toBeGreaterThan(0);
    // the shipped month-6 CD163 section: tissue and CD163+ density as planted (demo bars: 5%, 10%)
    const truth = MuscleGroundTruth.parse(JSON.parse(await readFile(path.join(REPO, 'slides', `${DEMO}.truth.json`), 'utf8'))).scores;
    expect(Math.abs(Number(row.tissue_area_mm2) - truth.tissueAreaMm2) / truth.tissueAreaMm2).toBeLessThanOrEqual(0.05);
    expect(Math.abs(Number(row.cd163_positive_cells_per_mm2) - truth.cd163PerMm2) / truth.cd163PerMm2).toBeLessThanOrEqual(0.1);
    const stored = await h.service.store.listScores({ patient: 'P01' });
    expect(Number(row.h_score_0_300)).toBe(stored[0].scores.hScore);

    const denied = await run(['scores', '--url', url, '--token', tokens.submitter], 30_000);
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain('GET /scores?format=json: 403 a submitter token may not GET /scores');
  }, 150_000);
});
