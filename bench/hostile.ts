// npx tsx bench/hostile.ts — the hostile corpus (src/synthetic/hostile-corpus.ts) made from good
// slides of every builtin and OpenSlide format, each file through `biopsy-quant analyze` in a
// process of its own with a time limit: crashes (signals, heap aborts), hangs and clean per-slide
// errors counted, peak RSS of each process read from /usr/bin/time when it is installed.
//   HOSTILE_PER_FILE (default 8) broken copies of each kind per good file; HOSTILE_TIMEOUT_S (60).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { writeGoodSlides, writeHostileCorpus } from '../src/synthetic/hostile-corpus.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const perFile = Number(process.env.HOSTILE_PER_FILE ?? 8);
const timeoutS = Number(process.env.HOSTILE_TIMEOUT_S ?? 60);
const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-hostile-bench-'));
try {
  const goods = await writeGoodSlides(dir, 3, ['ndpi', 'scn', 'bif']);
  const files = await writeHostileCorpus(goods, dir, { seed: 1, perFile });
  console.log(`${files.length} hostile files from ${goods.length} good slides (${goods.map((g) => path.extname(g)).join(' ')}), one analyze process each, ${timeoutS} s limit`);
  const timed = existsSync('/usr/bin/time');
  const rows = new Map<string, { files: number; analysed: number; errors: number; crashes: number; hangs: number; peakMiB: number; slowestS: number }>();
  const crashed: string[] = [];
  for (const f of files) {
    const data = await mkdtemp(path.join(dir, 'data-'));
    const args = [path.join(root, 'bin/biopsy-quant.js'), 'analyze', f, '--mpp', '0.5'];
    const started = performance.now();
    const r = timed
      ? spawnSync('/usr/bin/time', ['-f', 'peakKB %M', process.execPath, ...args], { env: { ...process.env, DATA_DIR: data, DATABASE_URL: '' }, encoding: 'utf8', timeout: timeoutS * 1000 })
      : spawnSync(process.execPath, args, { env: { ...process.env, DATA_DIR: data, DATABASE_URL: '' }, encoding: 'utf8', timeout: timeoutS * 1000 });
    const seconds = (performance.now() - started) / 1000;
    await rm(data, { recursive: true, force: true });
    const kind = path.extname(f) || '(none)';
    const row = rows.get(kind) ?? { files: 0, analysed: 0, errors: 0, crashes: 0, hangs: 0, peakMiB: 0, slowestS: 0 };
    row.files++;
    row.slowestS = Math.max(row.slowestS, seconds);
    const peak = Number(/peakKB (\d+)/.exec(r.stderr ?? '')?.[1] ?? 0) / 1024;
    row.peakMiB = Math.max(row.peakMiB, peak);
    // analyze exits 0 when every slide was analysed, 1 when one failed with its message; anything else is a crash
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
      row.hangs++;
      crashed.push(`${path.basename(f)}: no answer within ${timeoutS} s`);
    } else if (r.status === 0) row.analysed++;
    else if (r.status === 1 && (r.stdout ?? '').includes('FAILED: ')) row.errors++;
    else {
      row.crashes++;
      crashed.push(`${path.basename(f)}: exit ${r.status ?? r.signal} ${(r.stderr ?? '').trim().split('\n').slice(-1)[0] ?? ''}`);
    }
    rows.set(kind, row);
  }
  const t = new Table({ head: ['kind', 'files', 'analysed', 'failed with a message', 'crashes', 'hangs', 'peak RSS MiB', 'slowest s'], style: { head: [], border: [] } });
  for (const [kind, r] of [...rows].sort()) t.push([kind, r.files, r.analysed, r.errors, r.crashes, r.hangs, timed ? r.peakMiB.toFixed(0) : 'n/a', r.slowestS.toFixed(1)]);
  console.log(t.toString());
  for (const c of crashed) console.log(`  ${c}`);
  if (crashed.length) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
