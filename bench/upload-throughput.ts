// npx tsx bench/upload-throughput.ts — resumable (tus) upload throughput on loopback, as the
// submission page uploads: `serve` in a process of its own (PostgreSQL, Redis: the integration
// services), the tus client's Node build sending one file of BENCH_UPLOAD_MB (1024) random,
// incompressible MiB in the server's chunks (UPLOAD_CHUNK_BYTES, 64 MiB), then the verification
// (the server's SHA-256 of what it holds) timed on its own. Prints MB/s (10^6 bytes/s) and exits 1
// under the bar of 200 MB/s for one file.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tus from 'tus-js-client';
import { HEAD_BYTES } from '../src/api/uploads/upload-settings.js';
import { openHarness, stopProcess, TEST_REDIS_URL } from '../src/service/local-cluster.js';
import { TokenStore } from '../src/store/token-store.js';

const MB = Number(process.env.BENCH_UPLOAD_MB ?? 1024);
const BAR_MB_S = 200;
const BIN = path.resolve(import.meta.dirname, '../bin/biopsy-quant.js');

function startServe(env: Record<string, string>, cwd: string): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
}

/** The file: a TIFF's first bytes (it passes the content check), then random ones in 16 MiB pieces; its SHA-256 and head hash as the page computes them. */
async function writeRandom(file: string, bytes: number): Promise<{ sha256: string; head: string }> {
  const full = createHash('sha256');
  const head = createHash('sha256');
  const handle = await open(file, 'w');
  try {
    for (let at = 0; at < bytes; at += 16 * 1024 ** 2) {
      const piece = randomBytes(Math.min(16 * 1024 ** 2, bytes - at));
      if (at === 0) piece.set([0x49, 0x49, 42, 0]);
      full.update(piece);
      if (at < HEAD_BYTES) head.update(piece.subarray(0, HEAD_BYTES - at));
      await handle.write(piece);
    }
  } finally {
    await handle.close();
  }
  return { sha256: full.digest('hex'), head: head.digest('hex') };
}

const h = await openHarness();
const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-bench-upload-'));
let serve: ChildProcess | undefined;
try {
  await mkdir(path.join(dir, 'slides'));
  const file = path.join(dir, 'slide.bin');
  const bytes = MB * 1024 ** 2;
  const digest = await writeRandom(file, bytes);
  const { token } = await new TokenStore(h.service.store.executor).createToken('submitter', 'upload bench');
  const started = await startServe({ REDIS_URL: TEST_REDIS_URL, DATABASE_URL: h.databaseUrl, QUEUE_PREFIX: h.prefix, SLIDES_ROOT: path.join(dir, 'slides'), UPLOAD_DIR: path.join(dir, 'uploads'), LOG_LEVEL: 'warn' }, dir);
  serve = started.child;
  const auth = { authorization: `Bearer ${token}` };
  const settings = (await (await fetch(`${started.url}/uploads/settings`, { headers: auth })).json()) as { chunkBytes: number };

  const t0 = performance.now();
  const url = await new Promise<string>((resolve, reject) => {
    const upload = new tus.Upload(createReadStream(file, { highWaterMark: 4 * 1024 ** 2 }), {
      endpoint: `${started.url}/uploads/tus`,
      uploadSize: bytes,
      chunkSize: settings.chunkBytes,
      headers: auth,
      metadata: { name: 'slide.tif', head: digest.head },
      retryDelays: null,
      onSuccess: () => resolve(upload.url!),
      onError: reject,
    });
    upload.start();
  });
  const uploadS = (performance.now() - t0) / 1000;
  const t1 = performance.now();
  const verified = await fetch(`${started.url}/uploads/${url.split('/').pop()}/verify`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ sha256: digest.sha256 }) });
  const verifyS = (performance.now() - t1) / 1000;
  const answer = (await verified.json()) as { sha256?: string };
  if (verified.status !== 200 || answer.sha256 !== digest.sha256) throw new Error(`verification answered ${verified.status}: ${JSON.stringify(answer)}`);

  const rate = bytes / 1e6 / uploadS;
  console.log(`upload throughput (tus, one file, loopback, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}):`);
  console.log(`  ${MB} MiB in ${settings.chunkBytes / 1024 ** 2} MiB chunks: ${uploadS.toFixed(2)} s, ${rate.toFixed(0)} MB/s (bar ${BAR_MB_S} MB/s)`);
  console.log(`  verification (server SHA-256 of ${MB} MiB): ${verifyS.toFixed(2)} s, ${(bytes / 1e6 / verifyS).toFixed(0)} MB/s`);
  if (rate < BAR_MB_S) {
    console.log(`  OFF: under ${BAR_MB_S} MB/s`);
    process.exitCode = 1;
  }
} finally {
  if (serve) await stopProcess(serve);
  await h.cleanup();
  await rm(dir, { recursive: true, force: true });
}
