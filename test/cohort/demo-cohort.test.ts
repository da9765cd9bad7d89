import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseDemoCohort, type DemoCohortRun } from '../../src/demo/demo-cohort.js';
import { demoCohortPlots } from '../../src/demo/demo-cohort-plots.js';
import { threadPoolExecutor, type TileExecutor } from '../../src/pipeline/executor.js';
import { ensureDemoSlide, prepareDemoCohort } from '../../src/synthetic/cohort/write-cohort.js';

// The demo cohort as `npm run demo` builds it (the same design and seed), its 120 slides rendered
// at 640 px instead of the demo's 768 (DEMO_SLIDE_SIZE) so the suite keeps within its time, then
// written, read back and analysed by the embedded pipeline, and the comparisons made. Every
// planted effect and null holds at both sizes (at 768: `npm run demo`).
const TEST_SLIDE_SIZE = 640;
let dir: string;
let executor: TileExecutor;
let run: DemoCohortRun;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-demo-cohort-'));
  executor = threadPoolExecutor({ threads: 2 });
  run = await analyseDemoCohort({ dir, params: {}, executor, size: TEST_SLIDE_SIZE });
}, 600_000);

afterAll(async () => {
  await executor?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const byId = (id: string) => run.table.find((c) => c.effect.id === id)!;

describe('demo cohort through the whole pipeline', () => {
  it('renders and analyses all 120 slides, with patient, timepoint and marker from the cohort', () => {
    expect(run.rendered).toBe(120);
    expect(run.outcomes.filter((o) => !o.ok)).toEqual([]);
    const markers = new Set(run.scores.map((r) => r.marker));
    expect(markers).toEqual(new Set(['CD163', 'MHC-I', 'IL-1a', 'IL-1Ra']));
    // one CD163 density per biopsy: 15 patients × 2 timepoints
    expect(run.scores.filter((r) => r.marker === 'CD163' && r.score === 'density')).toHaveLength(30);
  });

  it('derives 7 IMACS responders from the visits, the planned ones', () => {
    const responders = run.imacs.filter((r) => r.responder === true).map((r) => r.patient);
    expect(responders).toHaveLength(7);
    expect(responders).toEqual(run.cohort.planted.filter((p) => p.responder).map((p) => p.patient));
  });

  it('recovers every planted effect (p < 0.05, planted direction)', () => {
    const planted = run.table.filter((c) => c.effect.planted);
    expect(planted).toHaveLength(4);
    for (const c of planted) {
      expect(c.row.p, c.effect.id).not.toBeNull();
      expect(c.row.p!, c.effect.id).toBeLessThan(0.05);
      expect(c.found, c.effect.id).toBe(true);
    }
    // 7 of 7 responders' densities fall: Wilcoxon's exact two-sided p = 2/2⁷
    const cd = byId('cd163-falls-in-responders').row;
    expect(cd.n).toBe(7);
    expect(cd.p!).toBeCloseTo(2 / 128, 6);
    expect(cd.effectSize).toBe(-1);
    expect(byId('mhc1-higher-in-non-responders').row.effectSize!).toBeLessThan(0);
    expect(byId('il1a-predicts-fi2').row.effectSize!).toBeLessThan(-0.5);
  });

  it('finds IL-1Ra expressed at month 6 in 7/7 responders vs 3/8 non-responders: Fisher p = 0.0256', () => {
    const f = byId('il1ra-expressed-in-responders').row;
    expect(f.groups.map((g) => [g.n, g.events])).toEqual([[7, 7], [8, 3]]);
    expect(f.p!).toBeCloseTo(0.0256, 4);
  });

  it('finds nothing where nothing was planted (p ≥ 0.05)', () => {
    const nulls = run.table.filter((c) => !c.effect.planted);
    expect(nulls).toHaveLength(4);
    for (const c of nulls) {
      expect(c.row.p, c.effect.id).not.toBeNull();
      expect(c.row.p!, c.effect.id).toBeGreaterThanOrEqual(0.05);
      expect(c.found, c.effect.id).toBe(false);
    }
    // 3/7 vs 3/8 expressing at baseline
    expect(byId('il1ra-baseline-alike').row.groups.map((g) => g.events)).toEqual([3, 3]);
  });

  it('draws the three main effects with one mark per patient', () => {
    const plots = demoCohortPlots(run.scores, run.measures);
    expect(Object.keys(plots).sort()).toEqual(['cd163-density-slope.svg', 'il1a-fi2-scatter.svg', 'mhc1-baseline-box.svg']);
    expect(plots['cd163-density-slope.svg'].match(/class="patient"/g)).toHaveLength(15);
    expect(plots['mhc1-baseline-box.svg'].match(/class="point"/g)).toHaveLength(15);
    expect(plots['il1a-fi2-scatter.svg']).toContain('n = 15');
  });

  it('writes cohort files the importer reads, and reuses them on the next run', async () => {
    const slidesCsv = await readFile(path.join(dir, 'slides.csv'), 'utf8');
    expect(slidesCsv.split('\n')[0]).toBe('patient,timepoint,marker,file');
    expect(slidesCsv).toContain('DEMO-01,baseline,CD163,slides/DEMO-01_baseline_CD163.tif');
    const again = await prepareDemoCohort(dir);
    expect(again.reused).toBe(true);
    expect(again.cohort).toEqual(run.cohort.cohort);
    expect(await ensureDemoSlide(again.slides[0])).toBe(false);
  });
});
