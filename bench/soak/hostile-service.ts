// npx tsx bench/soak/hostile-service.ts — issue 14 part 1 through the service: the hostile corpus
// and the good slides it was made from, in batches submitted to two worker processes (PostgreSQL
// store, Redis queue, as `worker` runs). Every hostile file must end as a typed per-slide error
// (or, where broken bytes only changed pixels, be analysed), no worker may die, the good slides
// must score exactly as embedded mode scores them alone, and worker peak RSS must stay < 1 GiB.
//   HOSTILE_PER_FILE (default 8): broken copies per kind per good slide; SOAK_READ_TIMEOUT_S (3):
//   the workers' SLIDE_READ_TIMEOUT_S, so a legal but costly flat image meets its budget in the soak.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runSlides } from '../../src/cli/run-slides.js';
import { paramsForMarker } from '../../src/domain/marker.js';
import type { SlideOutcome } from '../../src/pipeline/analyse-slide.js';
import { threadPoolExecutor } from '../../src/pipeline/executor.js';
import { openHarness } from '../../src/service/local-cluster.js';
import { submitBatch } from '../../src/service/submit.js';
import { writeGoodSlides, writeHostileCorpus } from '../../src/synthetic/hostile-corpus.js';
import { goodSetOf, writeCraftedCorpus, type HostileFile } from '../../src/synthetic/hostile/crafted-corpus.js';
import { SlideMetadata } from '../../src/domain/slide.js';
import { writePngBomb } from '../../src/synthetic/png-bomb.js';
import { runWhenMain, type SoakRow, type SoakSection } from './section.js';

/** the issue's bar for a worker process */
const RSS_LIMIT_MIB = 1024;

/** peak resident set of a live process, from the kernel (VmHWM) */
function peakRssMiB(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function run(): Promise<SoakSection> {
  const perFile = Number(process.env.HOSTILE_PER_FILE ?? 8);
  const readBudget = process.env.SOAK_READ_TIMEOUT_S ?? '3';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-soak-service-'));
  const h = await openHarness({ SLIDES_ROOT: dir, SLIDE_READ_TIMEOUT_S: readBudget, WORKER_CONCURRENCY: '1' });
  try {
    const goods = await writeGoodSlides(dir, 3, ['ndpi', 'scn', 'bif', 'mrxs', 'dicom']);
    const crafted = await writeCraftedCorpus(dir, goodSetOf(goods));
    const random: HostileFile[] = (await writeHostileCorpus(goods, dir, { seed: 2, perFile })).map((p) => ({ path: p, kind: 'random', backend: 'random', metadata: { mpp: 0.5 } }));
    // legal but costly: 196 MP of near-black (92×, under the bomb ratio and the flat size limit),
    // so it is read, and meets the read budget the soak sets
    const bomb = path.join(dir, 'flat-196mp.png');
    await writePngBomb(bomb, 14_000, 14_000, { noise: 0.01 });
    const hostileFiles: HostileFile[] = [...crafted, ...random, { path: bomb, kind: 'flat-196mp', backend: 'sharp', metadata: { mpp: 0.5 } }];
    // metadata the API would refuse (NaN or negative µm/px) is a 400 at the door, not a slide
    const atDoor = hostileFiles.filter((f) => !SlideMetadata.safeParse({ ...f.metadata, marker: 'CD163' }).success);
    const submitted = hostileFiles.filter((f) => !atDoor.includes(f));
    const hostile = submitted.map((f) => f.path);
    const params = paramsForMarker('CD163');

    // embedded mode, each good slide alone: the scores the service must give
    const executor = threadPoolExecutor({ threads: 2 });
    const request = (p: string) => ({ path: p, metadata: { mpp: 0.5, marker: 'CD163' } });
    const requestOf = (f: HostileFile) => ({ path: f.path, metadata: { ...f.metadata, marker: 'CD163' } });
    let alone: SlideOutcome[];
    try {
      alone = await runSlides(goods.map(request), { params: {}, executor, progress: false });
    } finally {
      await executor.close();
    }

    await Promise.all([h.startWorker(), h.startWorker()]);
    const pids = h.workers.map((w) => w.pid!);
    const started = performance.now();
    // batches of ~40, each with every good slide in it, submitted together
    const chunks: HostileFile[][] = [];
    for (let i = 0; i < submitted.length; i += 40) chunks.push(submitted.slice(i, i + 40));
    const ids = await Promise.all(
      chunks.map(async (chunk, k) => (await submitBatch(h.service, { createdBy: 'soak', params, slides: [...(k === 0 ? goods.map(request) : []), ...chunk.map(requestOf)] })).batchId),
    );
    // each refused one alone, as the API would see it
    const doorErrors = await Promise.all(
      atDoor.map((f) => submitBatch(h.service, { createdBy: 'soak', params, slides: [requestOf(f)] }).then(() => 'accepted', (e: Error & { code?: string }) => e.code ?? 'untyped')),
    );
    const batches = await Promise.all(ids.map((id) => h.waitForBatch(id, 30 * 60_000)));
    const seconds = (performance.now() - started) / 1000;
    const peaks = pids.map((pid) => peakRssMiB(pid));
    const deaths = h.workers.filter((w) => w.exitCode !== null || w.signalCode !== null).length;

    const slides = batches.flatMap((b) => b.slides);
    const of = (p: string) => slides.find((s) => s.path === p)!;
    const failed = hostile.map(of).filter((s) => s.status === 'failed');
    const analysed = hostile.map(of).filter((s) => s.status === 'done');
    // a crafted file must fail, except the valid slides whose only oddity is hostile text
    const shouldFail = submitted.filter((f) => f.backend !== 'random' && !f.analyses).map((f) => f.path);
    const wronglyAnalysed = analysed.filter((s) => shouldFail.includes(s.path));
    const internal = failed.filter((s) => s.code === 'INTERNAL' || !s.code);
    const unnamed = failed.filter((s) => !s.error?.includes(s.path));
    const byCode = new Map<string, number>();
    for (const s of failed) byCode.set(s.code ?? '(none)', (byCode.get(s.code ?? '(none)') ?? 0) + 1);

    const rows = await h.service.store.listScores();
    const changed: string[] = [];
    for (const [i, g] of goods.entries()) {
      const a = alone[i];
      const s = of(g);
      const row = rows.find((r) => r.analysisId === s.analysisId);
      if (!a.ok || s.status !== 'done' || JSON.stringify(row?.scores) !== JSON.stringify(a.scores)) changed.push(path.basename(g));
    }
    const bombRow = of(bomb);
    const out: SoakRow[] = [
      {
        item: `${hostile.length} hostile files (${crafted.length - atDoor.length} crafted, ${random.length} random, 1 flat) through the service (2 workers, ${ids.length} batches at once)`,
        outcome: `${failed.length} typed errors (${[...byCode].map(([c, n]) => `${c} ${n}`).join(', ')}), ${analysed.length} analysed, ${internal.length} INTERNAL, ${unnamed.length} not naming the file, ${deaths} worker deaths`,
        figures: { files: hostile.length, typedErrors: failed.length - internal.length, internal: internal.length, analysed: analysed.length, workerDeaths: deaths, seconds: Number(seconds.toFixed(1)) },
        ok: internal.length === 0 && unnamed.length === 0 && deaths === 0 && wronglyAnalysed.length === 0 && failed.length + analysed.length === hostile.length,
      },
      ...wronglyAnalysed.map((s) => ({ item: `  analysed, should have failed: ${path.basename(s.path)}`, outcome: 'done', ok: false })),
      {
        item: 'hostile metadata at submission (NaN, negative, zero µm/px)',
        outcome: `${doorErrors.filter((c) => c === 'METADATA').length}/${atDoor.length} refused with METADATA before any batch was made`,
        figures: { files: atDoor.length },
        ok: doorErrors.every((c) => c === 'METADATA'),
      },
      ...internal.map((s) => ({ item: `  INTERNAL: ${path.basename(s.path)}`, outcome: s.error ?? '(no message)', ok: false })),
      {
        item: `196-megapixel flat PNG in the service: the ${readBudget} s read budget`,
        outcome: bombRow.status === 'failed' ? `${bombRow.code}: ${bombRow.error?.replace(`${bomb}: `, '')}` : `ended ${bombRow.status}`,
        ok: bombRow.status === 'failed' && bombRow.code === 'SLIDE_BUDGET',
      },
      {
        item: 'good slides mixed into the hostile batches (service)',
        outcome: changed.length === 0 ? `${goods.length} of ${goods.length} scored exactly as embedded mode alone` : `changed or failed: ${changed.join(', ')}`,
        figures: { goods: goods.length, unchanged: goods.length - changed.length },
        ok: changed.length === 0,
      },
      {
        item: 'worker peak RSS (VmHWM) through the hostile batches',
        outcome: peaks.map((p, i) => `worker ${i + 1}: ${p.toFixed(0)} MiB`).join(', '),
        figures: { maxMiB: Math.round(Math.max(...peaks)), limitMiB: RSS_LIMIT_MIB },
        ok: peaks.every((p) => p < RSS_LIMIT_MIB),
      },
    ];
    return { title: 'Hostile slides through the service', rows: out };
  } finally {
    await h.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}

await runWhenMain(import.meta.url, run);
