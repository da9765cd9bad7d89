/**
 * `biopsy-quant train --from-corrections` (issue 15 point 3): fine-tunes the nucleus model on the
 * cells pathologists added or deleted in review (src/domain/corrections.ts), each with a window of
 * its slide round it as context, and writes the result as a new version beside the model it
 * started from (models/nuclei-unet/versions/<weights hash>/), never over it. Some corrected
 * analyses are held out and never trained on: the model's F1 on their corrected cells before and
 * after is the report. Reclassifications change a grade, not a nucleus: they are counted, not used.
 *
 * What keeps the rest of what the model knew: every step mixes the corrected windows with the
 * domain-randomised synthetic scenes it was trained on (replay), at a low learning rate, with
 * hard-negative mining on the replay scenes so a lesson like "paler, larger nuclei exist" does
 * not turn into firing on pale fibrous stroma (it did without: F1 1.000 → 0.970 on a stroma slide).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tfTypes from '@tensorflow/tfjs';
import { correctionEffects, parseTarget, type Correction } from '../domain/corrections.js';
import type { Detection } from '../domain/detection.js';
import { detectNucleiWithModel, loadNucleusModel, predictNucleusProbability, type NucleusModel } from '../detect/model.js';
import { loadModelDir, saveModelDir, WEIGHTS_BIN } from '../detect/model-io.js';
import { matchCentroids } from '../eval/match.js';
import { floatPlane } from '../image/raster.js';
import { openSlide } from '../slide/open.js';
import type { Slide } from '../slide/types.js';
import type { ScoreRow, Store } from '../store/store.js';
import { Rng } from '../synthetic/rng.js';
import { correctedTarget } from './correction-targets.js';
import { registerWasmFilterGrad } from './model-filter-grad.js';
import { useXnnpackInputGrad } from './model-input-grad.js';
import { fillBatch, mineHardNegatives, type HardNegative, type TrainingPlane } from './model-patches.js';
import { randomisedSample } from './model-randomised-scene.js';
import { readWindowPlane, type WindowSource } from './window-plane.js';

/** window round each correction, px at the model's mpp (64 µm at 0.5 µm/px): the cell and its neighbourhood */
const WINDOW = 128;
/** held-out F1 counts cells this far inside a window only (the network's receptive field) */
const EVAL_MARGIN = 24;
const PATCH = 64;
const MATCH_UM = 4;
/** steps between hard-negative mining on the replay scenes */
const HARD_EVERY = 50;

export interface FromCorrectionsOptions {
  store: Store;
  /** the model folder to start from (the shipped one, or a version) */
  baseDir: string;
  /** new versions go to <versionsDir>/<12-hex weights hash>/ */
  versionsDir: string;
  /** only corrections made at or after this time */
  since?: Date;
  /** analyses held out for the before/after F1; default every 4th corrected analysis by id (the last one of 2–3; none of 1) */
  holdout?: readonly number[];
  steps?: number;
  /** learning rates in halves of the run */
  lr?: readonly [number, number];
  seed?: number;
  /** synthetic scenes mixed into every step (tuning seeds 1..n, default 24), half of each batch, 40 % of that on hard negatives */
  replayScenes?: number;
  log?: (line: string) => void;
}

export interface CorrectedF1 {
  cells: number;
  f1: number;
  precision: number;
  recall: number;
  /** added cells (the ones the base model missed) still missed */
  addedMissed: number;
  added: number;
}

export interface FromCorrectionsReport {
  baseId: string;
  id: string;
  dir: string;
  trainAnalyses: number[];
  heldOutAnalyses: number[];
  corrections: { added: number; deleted: number; reclassified: number; other: number };
  windows: number;
  steps: number;
  seconds: number;
  /** on the held-out analyses' corrected windows; null when nothing was held out */
  before: CorrectedF1 | null;
  after: CorrectedF1 | null;
}

interface CorrectedAnalysis {
  row: ScoreRow;
  /** the corrected truth in level-0 µm: kept stored detections and added cells */
  truth: { x: number; y: number; added: boolean }[];
  /** where an add or a delete was made, level-0 µm: the windows */
  points: { x: number; y: number }[];
  counts: FromCorrectionsReport['corrections'];
}

/** Every finished analysis with cell corrections (since `since`), its corrected truth and correction points. */
export async function correctedAnalyses(store: Store, since?: Date): Promise<CorrectedAnalysis[]> {
  const out: CorrectedAnalysis[] = [];
  for (const row of await store.listScores()) {
    const all = await store.listCorrections(row.analysisId);
    const recent = all.filter((c) => !since || c.createdAt >= since);
    if (!recent.some((c) => c.kind === 'add' || c.kind === 'delete')) continue;
    out.push(await correctedTruth(store, row, all, recent));
  }
  return out.sort((a, b) => a.row.analysisId - b.row.analysisId);
}

async function correctedTruth(store: Store, row: ScoreRow, all: Correction[], recent: Correction[]): Promise<CorrectedAnalysis> {
  const effects = correctionEffects(all);
  const tiles = await store.getTileResults(row.analysisId);
  const stored = new Map<string, Detection>();
  for (const t of tiles) t.detections.forEach((d, i) => stored.set(`cell:${t.tileId}:${i}`, d));
  const truth: CorrectedAnalysis['truth'] = [];
  for (const [target, d] of stored) if (effects.get(target)?.kind !== 'delete') truth.push({ x: d.x, y: d.y, added: false });
  for (const e of effects.values()) if (e.kind === 'add') truth.push({ x: e.x * row.slideMpp, y: e.y * row.slideMpp, added: true });
  const points: CorrectedAnalysis['points'] = [];
  const counts = { added: 0, deleted: 0, reclassified: 0, other: 0 };
  for (const c of recent) {
    if (c.kind === 'add') {
      counts.added++;
      points.push({ x: (c.payload.x as number) * row.slideMpp, y: (c.payload.y as number) * row.slideMpp });
    } else if (c.kind === 'delete') {
      counts.deleted++;
      const t = parseTarget(c.target);
      const d = t?.kind === 'cell' ? stored.get(c.target) : undefined;
      if (d) points.push({ x: d.x, y: d.y });
    } else if (c.kind === 'reclassify') counts.reclassified++;
    else counts.other++;
  }
  return { row, truth, points, counts };
}

interface Window {
  hem: Float32Array<ArrayBuffer>;
  /** truth cells in window px */
  cells: { x: number; y: number; added: boolean }[];
}

async function windowsOf(a: CorrectedAnalysis, model: NucleusModel): Promise<Window[]> {
  const mpp = model.info.mpp;
  let slide: Slide | undefined;
  try {
    slide = await openSlide(a.row.path, { mpp: a.row.slideMpp });
    const src: WindowSource = { slide, level: a.row.level, levelMpp: a.row.analysisMpp, stain: a.row.stain };
    const out: Window[] = [];
    for (const p of a.points) {
      const w = await readWindowPlane(src, p.x, p.y, WINDOW, mpp);
      const cells = a.truth
        .map((t) => ({ x: (t.x - w.x0Um) / mpp, y: (t.y - w.y0Um) / mpp, added: t.added }))
        .filter((t) => t.x >= 0 && t.y >= 0 && t.x < WINDOW && t.y < WINDOW);
      out.push({ hem: w.hem, cells });
    }
    return out;
  } finally {
    await slide?.close();
  }
}

function maskOf(model: NucleusModel, hem: Float32Array): Uint8Array {
  const prob = predictNucleusProbability(model, hem, WINDOW, WINDOW);
  return Uint8Array.from(prob, (p) => (p >= model.info.threshold ? 1 : 0));
}

/** F1 of the model's nuclei against the corrected truth, pooled over windows, cells at least EVAL_MARGIN px inside. */
export function correctedF1(model: NucleusModel, windows: readonly Window[], nucleus: Parameters<typeof detectNucleiWithModel>[3]): CorrectedF1 {
  const mpp = model.info.mpp;
  const inner = (p: { x: number; y: number }) => p.x >= EVAL_MARGIN && p.y >= EVAL_MARGIN && p.x < WINDOW - EVAL_MARGIN && p.y < WINDOW - EVAL_MARGIN;
  let tp = 0, fp = 0, fn = 0, added = 0, addedMissed = 0;
  for (const w of windows) {
    const found = detectNucleiWithModel(floatPlane(WINDOW, WINDOW, w.hem), mpp, model, nucleus).nuclei.map((n) => ({ x: n.cx, y: n.cy })).filter(inner);
    const truth = w.cells.filter(inner);
    const um = (p: { x: number; y: number }) => ({ x: p.x * mpp, y: p.y * mpp });
    const m = matchCentroids(truth.map(um), found.map(um), MATCH_UM);
    tp += m.tp;
    fp += m.fp;
    fn += m.fn;
    for (const t of truth.filter((c) => c.added)) {
      added++;
      if (!found.some((f) => Math.hypot(f.x - t.x, f.y - t.y) * mpp <= MATCH_UM)) addedMissed++;
    }
  }
  const precision = tp + fp ? tp / (tp + fp) : 1;
  const recall = tp + fn ? tp / (tp + fn) : 1;
  return { cells: tp + fn, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, precision, recall, added, addedMissed };
}

/** The whole run: collect, split, build targets, fine-tune, write the version, compare before/after. */
export async function trainFromCorrections(o: FromCorrectionsOptions): Promise<FromCorrectionsReport> {
  const log = o.log ?? (() => undefined);
  const t0 = performance.now();
  const steps = o.steps ?? 200;
  const [lr0, lr1] = o.lr ?? [1e-3, 3e-4];
  const seed = o.seed ?? 11;
  const analyses = await correctedAnalyses(o.store, o.since);
  if (analyses.length === 0) throw new Error(`no analysis has cells added or deleted in review${o.since ? ` since ${o.since.toISOString()}` : ''}: nothing to learn from`);
  const ids = analyses.map((a) => a.row.analysisId);
  const held = new Set(o.holdout ?? (ids.length >= 2 ? ids.filter((_, i) => i % 4 === 3 || (ids.length < 4 && i === ids.length - 1)) : []));
  const train = analyses.filter((a) => !held.has(a.row.analysisId));
  const heldOut = analyses.filter((a) => held.has(a.row.analysisId));
  if (train.length === 0) throw new Error('every corrected analysis is held out: nothing left to train on');

  const base = await loadNucleusModel(o.baseDir, 'wasm');
  const { tf } = base;
  registerWasmFilterGrad(tf);
  const counts = { added: 0, deleted: 0, reclassified: 0, other: 0 };
  for (const a of train) for (const k of Object.keys(counts) as (keyof typeof counts)[]) counts[k] += a.counts[k];
  log(`${train.length} corrected analyses to learn from (${counts.added} cells added, ${counts.deleted} deleted, ${counts.reclassified} reclassified: grades only, not used), ${heldOut.length} held out`);

  const trainWindows = (await Promise.all(train.map((a) => windowsOf(a, base)))).flat();
  const heldWindows = (await Promise.all(heldOut.map((a) => windowsOf(a, base)))).flat();
  const nucleusParams = analyses[0].row.params.nucleus;
  const before = heldWindows.length ? correctedF1(base, heldWindows, nucleusParams) : null;
  const planes: TrainingPlane[] = trainWindows.map((w) => ({ hematoxylin: w.hem, target: correctedTarget(w.hem, maskOf(base, w.hem), WINDOW, base.info.mpp, w.cells), size: WINDOW }));
  const replay: TrainingPlane[] = [];
  for (let s = 1; s <= (o.replayScenes ?? 24); s++) {
    const r = await randomisedSample(s, 256);
    replay.push({ hematoxylin: r.hematoxylin.data, target: r.target, size: 256 });
  }
  log(`${planes.length} corrected windows ${WINDOW}² and ${replay.length} replay scenes ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  // a copy of the base network to train, so `base` still answers "before"
  const { model: net } = await loadModelDir(tf, o.baseDir);
  const optimizer = tf.train.adam(lr0);
  net.compile({ optimizer, loss: 'binaryCrossentropy' });
  const rng = new Rng(seed);
  const half = 4;
  const xs = new Float32Array(2 * half * PATCH * PATCH);
  const ys = new Float32Array(2 * half * PATCH * PATCH);
  const sampler = { patch: PATCH, batch: half, inputScale: base.info.inputScale, hardShare: 0, emptyShare: 0.2 };
  const replaySampler = { ...sampler, hardShare: 0.4 };
  const n = half * PATCH * PATCH;
  const tuned: NucleusModel = { ...base, net: net as tfTypes.LayersModel };
  // what the corrections teach (a paler, larger nucleus) must not spill onto stroma: the replay
  // half keeps mining where the network being tuned fires on the synthetic scenes' stroma
  const mine = (): HardNegative[] => replay.flatMap((p, k) => mineHardNegatives(k, predictNucleusProbability(tuned, p.hematoxylin, p.size, p.size), p.target, p.size, base.info.threshold, 3, 200));
  let hard = mine();
  let lossSum = 0;
  // the fine-tune's input gradients through XNNPACK (model-input-grad.ts: why only here)
  const restoreInputGrad = useXnnpackInputGrad(tf);
  try {
    for (let step = 1; step <= steps; step++) {
      (optimizer as unknown as { learningRate: number }).learningRate = step <= steps / 2 ? lr0 : lr1;
      fillBatch(planes, [], sampler, rng, xs.subarray(0, n), ys.subarray(0, n));
      fillBatch(replay, hard, replaySampler, rng, xs.subarray(n), ys.subarray(n));
      const x = tf.tensor4d(xs, [2 * half, PATCH, PATCH, 1]);
      const y = tf.tensor4d(ys, [2 * half, PATCH, PATCH, 1]);
      lossSum += Number(await net.trainOnBatch(x, y));
      x.dispose();
      y.dispose();
      if (step % 25 === 0) {
        log(`step ${step}/${steps} loss ${(lossSum / 25).toFixed(4)} ${((performance.now() - t0) / 1000).toFixed(0)} s`);
        lossSum = 0;
      }
      if (step % HARD_EVERY === 0 && step < steps) {
        hard = mine();
        log(`  hard negatives on the replay scenes: ${hard.length} px`);
      }
    }
  } finally {
    restoreInputGrad();
  }
  const after = heldWindows.length ? correctedF1(tuned, heldWindows, nucleusParams) : null;
  const seconds = (performance.now() - t0) / 1000;

  // written under a scratch name, then renamed to its weights hash: a version folder is never half-written
  const scratch = join(o.versionsDir, `.writing-${process.pid}`);
  await rm(scratch, { recursive: true, force: true });
  const baseName = base.id.split('@')[0];
  await saveModelDir(tf, net, scratch, { ...base.info, id: baseName });
  const sha = createHash('sha256').update(await readFile(join(scratch, WEIGHTS_BIN))).digest('hex').slice(0, 12);
  const id = `${baseName}@${sha}`;
  await saveModelDir(tf, net, scratch, { ...base.info, id });
  const report: FromCorrectionsReport = {
    baseId: base.id,
    id,
    dir: join(o.versionsDir, sha),
    trainAnalyses: train.map((a) => a.row.analysisId),
    heldOutAnalyses: heldOut.map((a) => a.row.analysisId),
    corrections: counts,
    windows: planes.length,
    steps,
    seconds,
    before,
    after,
  };
  await writeFile(join(scratch, 'training.json'), JSON.stringify({ ...report, since: o.since?.toISOString() ?? null, lr: [lr0, lr1], seed, date: new Date().toISOString() }, null, 2) + '\n');
  await writeFile(join(scratch, 'MODEL.md'), modelCard(report));
  await mkdir(o.versionsDir, { recursive: true });
  await rm(report.dir, { recursive: true, force: true });
  await rename(scratch, report.dir);
  return report;
}

const fmt = (m: CorrectedF1 | null) => (m ? `F1 ${m.f1.toFixed(3)} (P ${m.precision.toFixed(3)}, R ${m.recall.toFixed(3)}), ${m.cells} cells; added cells missed ${m.addedMissed}/${m.added}` : '—');

function modelCard(r: FromCorrectionsReport): string {
  return `# ${r.id}

Fine-tuned by \`biopsy-quant train --from-corrections\` from \`${r.baseId}\` (src/train/from-corrections.ts),
on ${r.windows} windows of ${WINDOW}² px round the corrections of analyses ${r.trainAnalyses.join(', ')}
(${r.corrections.added} cells added, ${r.corrections.deleted} deleted; ${r.corrections.reclassified} reclassifications change grades only and were not used),
mixed half and half with the domain-randomised synthetic scenes of the base model's training
(40 % of those patches on stroma the network being tuned fires on, re-mined every ${HARD_EVERY} steps);
${r.steps} steps, ${r.seconds.toFixed(0)} s on CPU. Use it with \`--detector model --model-version ${r.id.split('@')[1]}\`.

Held-out corrected analyses (${r.heldOutAnalyses.join(', ') || 'none'}), cells of the corrected windows:

- before (${r.baseId}): ${fmt(r.before)}
- after (${r.id}): ${fmt(r.after)}
`;
}

export function formatCorrectedF1(m: CorrectedF1 | null): string {
  return fmt(m);
}
