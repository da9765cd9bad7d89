import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupComparison, pairedComparison, proportionComparison } from '../../src/cohort/compare.js';
import { researchRows } from '../../src/cohort/research-rows.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import type { SqlStore } from '../../src/store/sql-store.js';
import { CD163_BASELINE, CD163_MONTH6, IL1A_BASELINE, PATIENTS, seedAnalysis, seedCohort } from '../api/seed-cohort.js';

describe('researchRows: score rows for comparisons from the store', () => {
  let store: SqlStore;
  beforeAll(async () => {
    store = await openPgliteStore({ inMemory: true });
    await seedCohort(store);
    // re-analysed with other parameters later: only this newer result counts for P01's baseline CD163
    await seedAnalysis(store, { name: 'P01-b-cd163', patient: 'P01', timepoint: 'baseline', marker: 'CD163', density: 101, pctPositiveArea: 2, params: { positiveAreaThreshold: 0.3 } });
    // a serial section stored under an alias of the marker, and two slides that cannot take part
    // … tagged by hand 'M12' (the cohort's month-12)
    await seedAnalysis(store, { name: 'P02-b-cd163-alias', patient: 'P02', timepoint: 'M12', marker: 'cd-163', density: 33, pctPositiveArea: 1 });
    await seedAnalysis(store, { name: 'odd-timepoint', patient: 'P04', timepoint: 'week 3', marker: 'CD163', density: 1, pctPositiveArea: 1 });
    await seedAnalysis(store, { name: 'no-patient', timepoint: 'baseline', marker: 'CD163', density: 1, pctPositiveArea: 1 });
    await seedAnalysis(store, { name: 'odd-marker', patient: 'P03', timepoint: 'baseline', marker: 'Ki-67', density: 1, pctPositiveArea: 1 });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('one row per biopsy, marker and catalogued score, from the latest analysis, markers canonical', async () => {
    const r = await researchRows(store);
    const density = (marker: string, timepoint: string) =>
      PATIENTS.map((p) => r.scores.find((s) => s.patient === p && s.marker === marker && s.timepoint === timepoint && s.score === 'density')?.value);
    expect(density('CD163', 'baseline')).toEqual([101, ...CD163_BASELINE.slice(1)]);
    expect(density('CD163', 'month-6')).toEqual(CD163_MONTH6);
    expect(r.scores.filter((s) => s.timepoint === 'month-12')).toContainEqual({ patient: 'P02', timepoint: 'month-12', marker: 'CD163', score: 'density', value: 33, responder: true });
    const area = PATIENTS.map((p) => r.scores.find((s) => s.patient === p && s.marker === 'IL-1a' && s.score === 'pctPositiveArea')?.value);
    expect(area).toEqual(IL1A_BASELINE);
    // 6 patients × 4 biopsy markers + the month-12 alias slide; every key once
    expect(r.analyses.size).toBe(25);
    const keys = r.scores.map((s) => `${s.patient} ${s.timepoint} ${s.marker} ${s.score}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(r.skipped.map((s) => [s.path, s.reason]).sort()).toEqual([
      ['/slides/no-patient.tif', "no patient in the slide's metadata"],
      ['/slides/odd-marker.tif', "unknown marker 'Ki-67'"],
      ['/slides/odd-timepoint.tif', "unknown timepoint 'week 3' (expected baseline, month-6, month-12)"],
    ]);
  });

  it('responder from IMACS on the stored visits, expressed from the IL-1 call, outcomes from the visits', async () => {
    const r = await researchRows(store);
    expect(r.imacs.map((i) => [i.patient, i.responder, i.improved])).toEqual([
      ['P01', true, 6], ['P02', true, 6], ['P03', true, 6], ['P04', false, 0], ['P05', false, 0], ['P06', false, 0],
    ]);
    const il1ra = r.scores.filter((s) => s.marker === 'IL-1Ra' && s.score === 'expressed');
    expect(il1ra.map((s) => [s.patient, s.value, s.expressed, s.responder])).toEqual([
      ['P01', 1, true, true], ['P02', 1, true, true], ['P03', 1, true, true],
      ['P04', 0, false, false], ['P05', 0, false, false], ['P06', 0, false, false],
    ]);
    // the CD163 rows carry no expressed call (no IL-1 scorer ran)
    expect(r.scores.filter((s) => s.marker === 'CD163').every((s) => !('expressed' in s))).toBe(true);
    // 6 patients × 2 visits × 7 measures
    expect(r.outcomes).toHaveLength(84);
    expect(r.outcomes.filter((o) => o.measure === 'fi2' && o.timepoint === 'month-6').map((o) => o.value)).toEqual([10, 20, 40, 30, 50, 60]);
    // IMACS month-6 → month-12: nobody has both visits, so nobody gets a status
    const later = await researchRows(store, { from: 'month-6', to: 'month-12' });
    expect(later.imacs).toEqual([]);
    expect(later.scores.some((s) => 'responder' in s)).toBe(false);
  });

  it('feeds the comparisons with the known answers of the seeded cohort', async () => {
    const r = await researchRows(store);
    // P01's re-analysis (101 instead of 100) changes d = −41, ranks unchanged: V = 7, p = 36/64
    const [paired] = pairedComparison(r.scores, { marker: 'CD163', score: 'density', from: 'baseline', to: 'month-6' });
    expect(paired.n).toBe(6);
    expect(paired.statistic).toBe(7);
    expect(paired.p).toBeCloseTo(0.5625, 10);
    const group = groupComparison(r.scores, { marker: 'CD163', score: 'density', timepoint: 'baseline' });
    expect(group.statistic).toBe(0);
    expect(group.p).toBeCloseTo(0.1, 10);
    const fisher = proportionComparison(r.scores, { marker: 'IL-1Ra', score: 'expressed', timepoint: 'month-6' });
    expect(fisher.groups.map((g) => [g.n, g.events])).toEqual([[3, 3], [3, 0]]);
    expect(fisher.p).toBeCloseTo(0.1, 10);
  });
});

describe('researchRows restricted to one nucleus detector (issue 15)', () => {
  let store: SqlStore;
  beforeAll(async () => {
    store = await openPgliteStore({ inMemory: true });
    await seedCohort(store);
    // P01's baseline CD163 analysed again later with a learned model version
    await seedAnalysis(store, { name: 'P01-b-cd163-model', patient: 'P01', timepoint: 'baseline', marker: 'CD163', density: 555, pctPositiveArea: 2, params: { detector: 'model' }, modelId: 'nuclei-unet@aaaaaaaaaaaa' });
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  const p01 = (r: Awaited<ReturnType<typeof researchRows>>) => r.scores.find((s) => s.patient === 'P01' && s.marker === 'CD163' && s.timepoint === 'baseline' && s.score === 'density')?.value;

  it('takes the latest analysis of any detector by default, and the latest of the named one with modelId', async () => {
    expect(p01(await researchRows(store))).toBe(555);
    const classical = await researchRows(store, { modelId: 'classical' });
    expect(p01(classical)).toBe(CD163_BASELINE[0]);
    expect(classical.analyses.size).toBe(24);
    const model = await researchRows(store, { modelId: 'nuclei-unet@aaaaaaaaaaaa' });
    expect(p01(model)).toBe(555);
    expect(model.analyses.size).toBe(1);
    expect((await researchRows(store, { modelId: 'nuclei-unet@bbbbbbbbbbbb' })).scores).toHaveLength(0);
  });
});
