// npx tsx bench/soak/hostile.ts — issue 14 part 1: the hostile slide corpus through analyze.
//
// The corpus: good slides of every reader backend (pyramidal TIFF, SVS, PNG, JPEG, NDPI, SCN, BIF,
// MRXS, DICOM WSI), the crafted kinds of src/synthetic/hostile/ (tile tables, declared sizes,
// decompression bombs, corrupt tiles, nonsense µm/px in the file and in the metadata, huge
// descriptions and Slidedat.ini, DICOM frames and pixel data missing, MRXS folders missing files)
// and random cuts and byte flips of the good files (src/synthetic/hostile-corpus.ts).
// Each backend's hostile files go through ONE analyze batch (runSlides, embedded mode, 2 worker
// threads) in a process of its own, with the good slides first, in the middle and last; a batch
// that crashes or hangs is rerun file by file to name the culprit. Per kind: files, typed errors,
// INTERNAL errors, analysed, crashes, hangs; per batch: peak RSS (from /usr/bin/time) and whether
// every good slide scored exactly as it does alone.
//   HOSTILE_PER_FILE (default 6) random cuts and flips per good file; HOSTILE_TIMEOUT_S (300) per batch.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { writeGoodSlides, writeHostileCorpus } from '../../src/synthetic/hostile-corpus.js';
import { goodSetOf, writeCraftedCorpus, type HostileFile } from '../../src/synthetic/hostile/crafted-corpus.js';
import type { SoakRow, SoakSection } from './section.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const child = path.join(root, 'bench/soak/hostile-batch-child.ts');
const tsx = path.join(root, 'node_modules/tsx/dist/cli.mjs');

interface Request {
  path: string;
  metadata: { mpp?: number };
}
type Outcome = { path: string; ok: true; scores: unknown } | { path: string; ok: false; code: string; error: string };
interface BatchRun {
  outcomes?: Outcome[];
  crashed?: string;
  hung?: boolean;
  peakMiB: number;
  seconds: number;
}

/** Run one batch in a child process under /usr/bin/time; NaN and Infinity survive the JSON. */
async function batch(dir: string, name: string, requests: Request[], timeoutS: number): Promise<BatchRun> {
  const list = path.join(dir, `${name}.requests.json`);
  await writeFile(list, JSON.stringify(requests, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)));
  const data = await mkdtemp(path.join(dir, 'data-'));
  const timed = existsSync('/usr/bin/time');
  const args = [tsx, child, list];
  const started = performance.now();
  const r = spawnSync(timed ? '/usr/bin/time' : process.execPath, timed ? ['-f', 'peakKB %M', process.execPath, ...args] : args, {
    cwd: root,
    env: { ...process.env, DATA_DIR: data, DATABASE_URL: '' },
    encoding: 'utf8',
    timeout: timeoutS * 1000,
    maxBuffer: 256 * 2 ** 20,
    killSignal: 'SIGKILL',
  });
  const seconds = (performance.now() - started) / 1000;
  await rm(data, { recursive: true, force: true });
  const peakMiB = Number(/peakKB (\d+)/.exec(r.stderr ?? '')?.[1] ?? 0) / 1024;
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { hung: true, peakMiB, seconds };
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('[')) {
    const last = (r.stderr ?? '').trim().split('\n').filter((l) => !l.startsWith('peakKB')).slice(-1)[0] ?? '';
    return { crashed: `exit ${r.status ?? r.signal}: ${last.slice(0, 300)}`, peakMiB, seconds };
  }
  return { outcomes: JSON.parse(line) as Outcome[], peakMiB, seconds };
}

/** Kind of a random-corpus file from its name: cut, flip or one of the hand-made ones. */
function randomKind(p: string): string {
  const base = path.basename(p);
  if (base.startsWith('cut')) return `random-cut${path.extname(base)}`;
  if (base.startsWith('flip')) return `random-flip${path.extname(base)}`;
  return `hand-made ${base}`;
}

interface KindRow {
  kind: string;
  /** crafted kinds that are valid slides with hostile text: they must analyse */
  analyses: boolean;
  backend: string;
  files: number;
  typed: number;
  internal: number;
  analysed: number;
  crashes: number;
  hangs: number;
  /** per-slide messages that do not name the slide */
  unnamed: number;
  peakMiB: number;
  goodsUnchanged: boolean;
  examples: string[];
}

export async function run(): Promise<SoakSection> {
  const perFile = Number(process.env.HOSTILE_PER_FILE ?? 6);
  const timeoutS = Number(process.env.HOSTILE_TIMEOUT_S ?? 300);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-soak-hostile-'));
  try {
    const goods = await writeGoodSlides(dir, 3, ['ndpi', 'scn', 'bif', 'mrxs', 'dicom']);
    const crafted = await writeCraftedCorpus(dir, goodSetOf(goods));
    const random: HostileFile[] = (await writeHostileCorpus(goods, dir, { seed: 1, perFile })).map((p) => ({ path: p, kind: randomKind(p), backend: 'random', metadata: { mpp: 0.5 } }));
    const all = [...crafted, ...random];
    const goodRequests: Request[] = goods.map((g) => ({ path: g, metadata: { mpp: 0.5 } }));
    const alone = await batch(dir, 'goods-alone', goodRequests, timeoutS);
    if (!alone.outcomes || alone.outcomes.some((o) => !o.ok)) throw new Error(`the good slides do not analyse alone: ${alone.crashed ?? JSON.stringify(alone.outcomes?.filter((o) => !o.ok))}`);
    const aloneScores = new Map(alone.outcomes.map((o) => [o.path, JSON.stringify(o.ok ? o.scores : null)]));

    const rows = new Map<string, KindRow>();
    const rowOf = (f: HostileFile): KindRow => {
      const key = `${f.backend} ${f.kind}`;
      let r = rows.get(key);
      if (!r) rows.set(key, (r = { kind: f.kind, analyses: f.analyses === true, backend: f.backend, files: 0, typed: 0, internal: 0, analysed: 0, crashes: 0, hangs: 0, unnamed: 0, peakMiB: 0, goodsUnchanged: true, examples: [] }));
      return r;
    };
    const backends = [...new Set(all.map((f) => f.backend))];
    for (const backend of backends) {
      const files = all.filter((f) => f.backend === backend);
      const third = Math.ceil(files.length / 3);
      // good slides first, in the middle and last
      const slots: { req: Request; file?: HostileFile }[] = [
        { req: goodRequests[0] },
        ...files.slice(0, third).map((f) => ({ req: { path: f.path, metadata: f.metadata }, file: f })),
        ...goodRequests.slice(1, 5).map((req) => ({ req })),
        ...files.slice(third).map((f) => ({ req: { path: f.path, metadata: f.metadata }, file: f })),
        ...goodRequests.slice(5).map((req) => ({ req })),
      ];
      const run = await batch(dir, backend, slots.map((s) => s.req), timeoutS);
      console.error(`  ${backend}: ${files.length} files + ${goods.length} good, ${run.seconds.toFixed(0)} s, peak ${run.peakMiB.toFixed(0)} MiB${run.crashed ? `, CRASHED ${run.crashed}` : run.hung ? ', HUNG' : ''}`);
      let goodsUnchanged = true;
      const outcomeOf = new Map<HostileFile, Outcome | 'crash' | 'hang'>();
      if (run.outcomes) {
        slots.forEach((slot, i) => {
          const o = run.outcomes![i];
          if (slot.file) outcomeOf.set(slot.file, o);
          else goodsUnchanged &&= o.ok && JSON.stringify(o.scores) === aloneScores.get(o.path);
        });
      } else {
        goodsUnchanged = false;
        // attribute the crash or hang: every file alone
        for (const f of files) {
          const one = await batch(dir, 'one', [{ path: f.path, metadata: f.metadata }], 60);
          outcomeOf.set(f, one.outcomes?.[0] ?? (one.hung ? 'hang' : 'crash'));
          if (!one.outcomes) console.error(`    ${path.basename(f.path)}: ${one.hung ? 'no answer in 60 s' : one.crashed}`);
        }
      }
      for (const f of files) {
        const r = rowOf(f);
        const o = outcomeOf.get(f);
        r.files++;
        r.peakMiB = Math.max(r.peakMiB, run.peakMiB);
        r.goodsUnchanged &&= goodsUnchanged;
        if (o === 'crash' || o === undefined) r.crashes++;
        else if (o === 'hang') r.hangs++;
        else if (o.ok) r.analysed++;
        else {
          if (o.code === 'INTERNAL') r.internal++;
          else r.typed++;
          if (!o.error.includes(f.path)) r.unnamed++;
          if (r.examples.length < 1) r.examples.push(o.error.replace(dir, '…'));
        }
      }
    }
    const soakRows: SoakRow[] = [...rows.values()].map((r) => ({
      item: `hostile ${r.backend} ${r.kind} (analyze)`,
      outcome: `${r.typed}/${r.files} typed errors${r.internal ? `, ${r.internal} INTERNAL` : ''}${r.analysed ? `, ${r.analysed} analysed` : ''}${r.crashes ? `, ${r.crashes} CRASHES` : ''}${r.hangs ? `, ${r.hangs} HANGS` : ''}; good slides ${r.goodsUnchanged ? 'unchanged' : 'CHANGED'}`,
      figures: { files: r.files, typed: r.typed, internal: r.internal, analysed: r.analysed, crashes: r.crashes, hangs: r.hangs, peakRssMiB: Math.round(r.peakMiB), goodsUnchanged: r.goodsUnchanged ? 'yes' : 'no', example: r.examples[0] ?? '' },
      // random flips may only change pixels: those may analyse; a crafted file must fail typed,
      // except the valid slides with hostile descriptions, which must analyse
      ok: r.internal === 0 && r.crashes === 0 && r.hangs === 0 && r.unnamed === 0 && r.goodsUnchanged && (r.backend === 'random' || r.analysed === (r.analyses ? r.files : 0)),
    }));
    const total = all.length;
    const sum = (f: (r: KindRow) => number): number => [...rows.values()].reduce((n, r) => n + f(r), 0);
    soakRows.push({
      item: `hostile corpus: ${total} files (${crafted.length} crafted, ${random.length} random) + ${goods.length} good slides per batch`,
      outcome: soakRows.every((r) => r.ok) ? '0 crashes, 0 hangs, 0 INTERNAL; every crafted file failed alone, typed and named; good slides unchanged' : 'INVARIANT BROKEN',
      figures: {
        files: total,
        crafted: crafted.length,
        random: random.length,
        crashes: sum((r) => r.crashes),
        hangs: sum((r) => r.hangs),
        internal: sum((r) => r.internal),
        typed: sum((r) => r.typed),
        analysed: sum((r) => r.analysed),
        peakRssMiB: Math.round(Math.max(...[...rows.values()].map((r) => r.peakMiB))),
      },
      ok: total >= 200 && soakRows.every((r) => r.ok),
    });
    return { title: 'Hostile slide corpus through analyze (issue 14 part 1)', rows: soakRows };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const invoked = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url) || invoked === path.join(root, 'bench/hostile.ts')) {
  const section = await run();
  const t = new Table({ head: ['item', 'outcome', 'peak RSS MiB', 'ok'], style: { head: [], border: [] }, colWidths: [60, 70, 8, 5], wordWrap: true });
  for (const r of section.rows) t.push([r.item, r.outcome, String(r.figures?.peakRssMiB ?? ''), r.ok ? 'ok' : 'FAIL']);
  console.log(section.title);
  console.log(t.toString());
  for (const r of section.rows) if (r.figures?.example) console.log(`  ${r.item}: ${r.figures.example}`);
  if (section.rows.some((r) => !r.ok)) process.exitCode = 1;
}
