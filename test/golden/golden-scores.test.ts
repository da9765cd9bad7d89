import { readFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldenAnalysis, goldenRowsChanged, GOLDEN_SLIDES, type GoldenFile, type GoldenQc, type GoldenRow } from './golden-slides.js';
import { ANALYSIS_VERSION } from '../../src/domain/version.js';

/**
 * Pinned score rows of a fixed set of slides (the shipped demo slides and synthetic sections of
 * every scorer). Any change that moves a number fails here; the pins are rewritten with
 * `UPDATE_GOLDEN=1 npx vitest run test/golden`, which refuses unless ANALYSIS_VERSION was bumped
 * too, so old and new results are never stored under one version.
 */
const GOLDEN_FILE = fileURLToPath(new URL('./golden-scores.json', import.meta.url));
let dir: string;
const rows = new Map<string, GoldenRow>();
const qc = new Map<string, GoldenQc | null>();
/** the clean muscle sections analysed with QC off */
const qcOff = new Map<string, GoldenRow>();
const MUSCLE = GOLDEN_SLIDES.filter((s) => s.kind !== 'cells');

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-golden-'));
  for (const slide of GOLDEN_SLIDES) {
    const a = await goldenAnalysis(slide, dir);
    rows.set(slide.name, a.row);
    qc.set(slide.name, a.qc);
  }
  // QC off where QC took tissue, and on the first section it took none of (QC only removes
  // flagged blocks, so that one must score exactly as with QC off: the control)
  const took = MUSCLE.filter((s) => (qc.get(s.name)?.excludedPct ?? 0) > 0);
  const control = MUSCLE.find((s) => qc.get(s.name)?.excludedPct === 0);
  for (const slide of [...took, ...(control ? [control] : [])]) qcOff.set(slide.name, (await goldenAnalysis(slide, dir, { qc: { enabled: false } })).row);
}, 600_000);

/** every number of a row's slide and marker scores, by path */
function scoreNumbers(row: GoldenRow): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (v: unknown, at: string): void => {
    if (typeof v === 'number') out.set(at, v);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k);
  };
  walk({ scores: row.scores, markerScores: row.markerScores }, '');
  return out;
}

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('golden scores', () => {
  it('every pinned slide scores exactly as pinned, under the pinned analysis version', async () => {
    const computed: GoldenFile = { analysisVersion: ANALYSIS_VERSION, rows: Object.fromEntries(rows) };
    const pinned = JSON.parse(await readFile(GOLDEN_FILE, 'utf8').catch(() => '{"analysisVersion":"","rows":{}}')) as GoldenFile;
    if (process.env.UPDATE_GOLDEN) {
      const changed = goldenRowsChanged(pinned, computed);
      if (changed.length > 0 && pinned.analysisVersion === ANALYSIS_VERSION) {
        throw new Error(`results changed (${changed.join(', ')}) but ANALYSIS_VERSION is still ${ANALYSIS_VERSION}: bump it in src/domain/version.ts`);
      }
      await writeFile(GOLDEN_FILE, `${JSON.stringify(computed, null, 2)}\n`);
      return;
    }
    expect(Object.keys(computed.rows).sort()).toEqual(Object.keys(pinned.rows).sort());
    for (const name of Object.keys(pinned.rows)) expect(computed.rows[name], name).toEqual(pinned.rows[name]);
    // results unchanged: the version must not move either (a bump without a change splits equal results)
    expect(ANALYSIS_VERSION).toBe(pinned.analysisVersion);
  });

  // Issue 10's bar for QC on clean slides: none of these sections has an artefact planted (the
  // shipped ones, a JPEG whole field among them; synthetic ones with infiltrate clusters, CD163+
  // macrophages, septa, vessels, MHC-I and IL-1 DAB), so QC on by default must leave them alone.
  // With folds asked for, test/eval/qc-clean-slides.test.ts.
  it('QC on by default takes under 1 % of the tissue of every clean muscle section, verdict ok', () => {
    expect(MUSCLE.length).toBe(9);
    for (const s of MUSCLE) {
      const q = qc.get(s.name);
      console.log(s.name, JSON.stringify(q));
      expect(q, s.name).not.toBeNull();
      expect(q!.excludedPct, s.name).toBeLessThan(1);
      expect(q!.verdict, s.name).toBe('ok');
    }
  });

  // ...and the scores of those clean sections move by under 1 % with QC on (issue 10), whatever
  // QC took: a count, a density, a share, an H-score, a grade
  it('QC on by default moves no score of a clean muscle section by 1 % or more', () => {
    const control = MUSCLE.find((s) => qc.get(s.name)?.excludedPct === 0)!;
    expect(rows.get(control.name)!.scores, `${control.name}: QC took nothing, so nothing moves`).toEqual(qcOff.get(control.name)!.scores);
    expect(rows.get(control.name)!.markerScores, control.name).toEqual(qcOff.get(control.name)!.markerScores);
    let worst = { change: 0, at: '' };
    for (const s of MUSCLE.filter((m) => qcOff.has(m.name))) {
      const on = scoreNumbers(rows.get(s.name)!);
      const off = scoreNumbers(qcOff.get(s.name)!);
      expect(off.size, s.name).toBeGreaterThan(10);
      for (const [k, v] of off) {
        expect(on.has(k), `${s.name} ${k}`).toBe(true);
        const change = v === 0 ? (on.get(k) === 0 ? 0 : Infinity) : Math.abs(on.get(k)! - v) / Math.abs(v);
        if (change > worst.change) worst = { change, at: `${s.name} ${k}` };
        expect(change, `${s.name} ${k}: ${v} with QC off, ${on.get(k)} on`).toBeLessThan(0.01);
      }
    }
    console.log(`largest change with QC on: ${(100 * worst.change).toFixed(2)} % (${worst.at})`);
  });
});
