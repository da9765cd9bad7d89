// The upload disk full (ENOSPC) in the middle of a two-slide upload: a real full file system, a
// 2 MiB tmpfs mounted as SLIDES_ROOT, filled until the second slide cannot fit. The answer must
// say so (507, no path in it), nothing of the upload may stay (no file, no batch, no slide row);
// once space is freed the same upload goes through and is scored as embedded mode scores it.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { queueBatchService } from '../../../src/api/queue-batch-service.js';
import { buildServer } from '../../../src/api/server.js';
import { submitBatch } from '../../../src/service/submit.js';
import { ApiAuditLog } from '../../../src/store/api-audit-log.js';
import { TokenStore } from '../../../src/store/token-store.js';
import type { DrillResult } from './drill-result.js';
import { drillSlides, MARKER, PARAMS_INPUT, verdict, type DrillWorld } from './drill-world.js';

const run = promisify(execFile);
const MOUNT_SIZE = 2 * 1024 * 1024;

export interface DiskFullResult extends DrillResult {
  /** the refused upload's answer */
  refused: { status: number; message: string };
  /** what the refused upload left: files under uploads/, batches, slide rows, analyses */
  leftFiles: number;
  leftRows: { batches: number; batchSlides: number; slides: number; analyses: number };
  /** the upload after space was freed */
  accepted: { status: number };
}

async function mountTmpfs(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-full-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_SIZE},mode=0755`, 'tmpfs', dir]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    const why = (err as { stderr?: string }).stderr?.trim() || (err as Error).message;
    throw new Error(`the disk-full drill mounts a ${MOUNT_SIZE >> 20} MiB tmpfs to fill for real and needs root with CAP_SYS_ADMIN: ${why}`, { cause: err });
  }
  return dir;
}

async function multipart(files: { name: string; bytes: Buffer }[]): Promise<{ body: Buffer; type: string }> {
  const form = new FormData();
  form.append('metadata', JSON.stringify({ params: PARAMS_INPUT, slides: files.map((f) => ({ file: f.name, marker: MARKER })) }));
  for (const f of files) form.append('file', new Blob([new Uint8Array(f.bytes)]), f.name);
  const res = new Response(form);
  return { body: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type')! };
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}

export async function uploadDiskFullDrill(world: DrillWorld): Promise<DiskFullResult> {
  await world.ensureWorkers(2);
  const { h } = world;
  const root = await mountTmpfs();
  const tokens = new TokenStore(h.service.store.executor);
  const token = (await tokens.createToken('submitter', 'fault drill: disk full')).token;
  const config = { ...h.config, SLIDES_ROOT: root };
  const app = await buildServer({
    store: h.service.store,
    tokens,
    audit: new ApiAuditLog(h.service.store.executor),
    batches: queueBatchService(h.service.batches, (request) => submitBatch({ ...h.service, config }, request)),
    config,
  });
  try {
    // two slides, so the disk fills after one file is written whole
    const copies = [...(await drillSlides(world, 'disk-full-1')), ...(await drillSlides(world, 'disk-full-2'))];
    const files = await Promise.all(copies.map(async (p) => ({ name: path.basename(p), bytes: await readFile(p) })));
    const upload = await multipart(files);
    const send = () =>
      app.inject({ method: 'POST', url: '/batches/upload', headers: { authorization: `Bearer ${token}`, 'content-type': upload.type }, payload: upload.body });
    const db = h.service.store.executor;
    const counts = async () => {
      const { rows } = await db.query<{ b: number; bs: number; s: number; a: number }>(
        'SELECT (SELECT count(*)::int FROM batches) AS b, (SELECT count(*)::int FROM batch_slides) AS bs, (SELECT count(*)::int FROM slides) AS s, (SELECT count(*)::int FROM analyses) AS a',
      );
      return rows[0];
    };

    // leave room for the first slide and half the second: the disk fills mid-upload
    const fs = await statfs(root);
    const free = fs.bavail * fs.bsize;
    const room = files[0].bytes.length + Math.floor(files[1].bytes.length / 2);
    if (room >= free) throw new Error(`the slides (${room} bytes) do not fill the ${free}-byte tmpfs; the drill needs a smaller mount`);
    const filler = path.join(root, 'filler');
    await writeFile(filler, Buffer.alloc(free - room));

    const before = await counts();
    const refusedRes = await send();
    const after = await counts();
    const leftFiles = await countFiles(path.join(root, 'uploads'));

    await rm(filler);
    const freedAt = performance.now();
    const acceptedRes = await send();
    const recoverS = (performance.now() - freedAt) / 1000;
    if (acceptedRes.statusCode !== 201) throw new Error(`upload after freeing space: ${acceptedRes.statusCode} ${acceptedRes.body}`);
    const { batchId } = acceptedRes.json() as { batchId: number };
    const v = await verdict(world, batchId, 120_000);
    return {
      fault: `upload disk full (ENOSPC, ${MOUNT_SIZE >> 20} MiB tmpfs) mid-upload`,
      refused: { status: refusedRes.statusCode, message: (refusedRes.json() as { message: string }).message },
      leftFiles,
      leftRows: { batches: after.b - before.b, batchSlides: after.bs - before.bs, slides: after.s - before.s, analyses: after.a - before.a },
      accepted: { status: acceptedRes.statusCode },
      // the disk filled while the upload was being written: nothing was analysed yet
      tilesAtFault: 0,
      tilesTotal: v.batch.slides.reduce((n, s) => n + s.tilesTotal, 0),
      recoverS,
      recoverMeans: 'space freed → the same upload accepted',
      ...v,
    };
  } finally {
    await app.close();
    // lazily: a worker may still hold an uploaded slide open
    await run('umount', ['-l', root]).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  }
}
