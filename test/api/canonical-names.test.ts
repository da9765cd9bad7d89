import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedScores, type Seeded } from './seed-scores.js';
import { bearer, openApi, type Api } from './setup.js';

let api: Api;
let seeded: Seeded[];

beforeAll(async () => {
  api = await openApi();
  // one stain submitted under three spellings, at one visit under two, plus a stain the registry does not know
  seeded = await seedScores(api.store, [
    { name: 'n1', patient: 'P1', timepoint: 'baseline', marker: 'CD-163', cells: 10 },
    { name: 'n2', patient: 'P1', timepoint: 'M6', marker: 'cd163', cells: 20 },
    { name: 'n3', patient: 'P2', timepoint: 'month 6', marker: 'CD163', cells: 30 },
    { name: 'n4', patient: 'P2', timepoint: 'baseline', marker: 'IL1RA', cells: 40 },
    { name: 'n5', patient: 'P3', timepoint: 'week 3', marker: 'Ki-67', cells: 50 },
  ]);
});
afterAll(() => api.close());

/** the seeded slides (n1 … n5) a query returns */
async function slidesOf(query: string): Promise<string[]> {
  const res = await api.app.inject({ method: 'GET', url: `/scores?${query}`, headers: bearer(api.token.reader) });
  expect(res.statusCode, res.body).toBe(200);
  const rows = res.json<{ slideId: number; marker: string; timepoint: string }[]>();
  // every row answers with the canonical names, whatever spelling the slide was submitted with
  for (const r of rows) expect(['CD163', 'IL-1Ra', 'Ki-67']).toContain(r.marker);
  return rows.map((r) => `n${seeded.findIndex((s) => s.slideId === r.slideId) + 1}`).sort();
}

describe('canonical names: one stain, one visit, one name', () => {
  it('GET /scores?marker=CD163 returns the slides submitted as CD-163, cd163 and CD163; any spelling of the query does too', async () => {
    expect(await slidesOf('marker=CD163')).toEqual(['n1', 'n2', 'n3']);
    expect(await slidesOf('marker=cd-163')).toEqual(['n1', 'n2', 'n3']);
    expect(await slidesOf(`marker=${encodeURIComponent('CD163 macrophages')}`)).toEqual(['n1', 'n2', 'n3']);
    expect(await slidesOf(`marker=${encodeURIComponent('IL-1 receptor antagonist')}`)).toEqual(['n4']);
  });

  it('timepoints and biopsy keys are canonical in the store and in the query', async () => {
    expect(await slidesOf('timepoint=month-6')).toEqual(['n2', 'n3']);
    expect(await slidesOf('timepoint=M6')).toEqual(['n2', 'n3']);
    expect(await slidesOf('biopsy=P1:M6')).toEqual(['n2']);
    expect(await slidesOf('biopsy=P2:month-6&marker=cd163')).toEqual(['n3']);
    const res = await api.app.inject({ method: 'GET', url: '/scores?biopsy=P1:M6', headers: bearer(api.token.reader) });
    expect(res.json()[0]).toMatchObject({ patient: 'P1', timepoint: 'month-6', marker: 'CD163', biopsy: 'P1:month-6' });
  });

  it('a stain or visit the study does not know is stored and found as given', async () => {
    expect(await slidesOf('marker=Ki-67')).toEqual(['n5']);
    expect(await slidesOf(`timepoint=${encodeURIComponent('week 3')}`)).toEqual(['n5']);
  });

  it('POST /batches hands the batch on with canonical names', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/batches',
      headers: bearer(api.token.submitter),
      payload: {
        slides: [
          { file: 'a.png', patient: 'P1', timepoint: 'Month 12', marker: 'CD-163' },
          { file: 'sub/b.tif', patient: 'P1', timepoint: ' baseline ', marker: 'MHC class I' },
          { file: 'a.png', patient: 'P2', timepoint: 'week 3', marker: ' Ki-67 ' },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(api.batches.submitted.at(-1)!.slides.map((s) => s.metadata)).toEqual([
      { patient: 'P1', timepoint: 'month-12', marker: 'CD163' },
      { patient: 'P1', timepoint: 'baseline', marker: 'MHC-I' },
      { patient: 'P2', timepoint: 'week 3', marker: 'Ki-67' },
    ]);
  });
});
