import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/domain/params.js';
import type { SlideScores } from '../../src/domain/scores.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import type { FibreRecord } from '../../src/domain/detection.js';
import { isMhc1Positive } from '../../src/score/mhc1.js';
import type { ScoreRow } from '../../src/store/store.js';
import { makeMuscleScene, writeMuscleSlide } from '../../src/synthetic/muscle/index.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';
import { openApi, type Api } from '../api/setup.js';
import { analysisInput, markerScores, scoresOf, slideInput, tile } from '../store/fixtures.js';
import { guardPage, launchChromium, requireChromium } from './chromium.js';

/**
 * The viewer in a real browser (Debian's chromium driven by playwright-core) against the real
 * server, store and a slide analysed by the real pipeline: the page lists the slide, opens it,
 * loads tiles with the token, draws one mark per stored detection and shows the stored scores.
 */

let api: Api;
let browser: Browser;
let base: string;
let row: ScoreRow;
let detections: { total: number; positive: number };
/** a synthetic MHC-I muscle section analysed by the real pipeline, and what the store holds of it */
let mhc: { row: ScoreRow; fibres: FibreRecord[]; locations: Record<string, number> };
/** slides with hand-made CD163 and IL-1Ra marker scores (their files are not real) */
let handmade: { cd163: number; il1ra: number };

async function analyse(file: string, metadata: { patient: string; timepoint: string; marker?: string }): Promise<void> {
  const executor = inlineExecutor();
  try {
    const outcome = await analyseSlide({ path: file, metadata, params: resolveParams({}), executor, store: api.store });
    if (!outcome.ok) throw new Error(`analysis of ${file} failed: ${outcome.error}`);
  } finally {
    await executor.close();
  }
}

async function storeHandmade(name: string, patient: string, marker: string, kind: 'cd163' | 'il1ra'): Promise<number> {
  const slide = await api.store.upsertSlide(slideInput(name, { patient, timepoint: 'baseline', marker }));
  const { analysisId } = await api.store.beginAnalysis(analysisInput(slide, 1));
  const tiles = [tile(0, 4)];
  await api.store.saveTileResults(analysisId, tiles);
  await api.store.finishAnalysis(analysisId, scoresOf(tiles, 0.505), markerScores(kind));
  return slide;
}

beforeAll(async () => {
  requireChromium();
  api = await openApi();
  const file = path.join(api.root, 'viewer-slide.tif');
  // 2048 × 1536 px at 0.5 µm/px: big enough for a few DZI levels and a few hundred cells
  await writeSyntheticSlide(makeScene({ seed: 21, width: 2048, height: 1536, cellsPerMm2: 900 }), file, 'pyramidal-tiff');
  await analyse(file, { patient: 'P07', timepoint: 'baseline' });
  // 1024² at 0.5 µm/px with glass round it; 40% of fibres MHC-I positive so both outline colours show
  const muscleFile = path.join(api.root, 'viewer-mhc1.tif');
  await writeMuscleSlide(makeMuscleScene({ seed: 12, width: 1024, height: 1024, marker: 'MHC-I', sectionMarginUm: 60, mhcPattern: 'diffuse', mhcFraction: 0.4 }), muscleFile, 'pyramidal-tiff');
  await analyse(muscleFile, { patient: 'P09', timepoint: 'baseline', marker: 'MHC-I' });
  handmade = { cd163: await storeHandmade('cd163-handmade', 'P10', 'CD163', 'cd163'), il1ra: await storeHandmade('il1ra-handmade', 'P11', 'IL-1Ra', 'il1ra') };
  // another patient's slide, unmarked like ours, for the tree and the comparison plot (its file is not real)
  const other = await api.store.upsertSlide(slideInput('other', { patient: 'P08', timepoint: 'month-6' }));
  const { analysisId } = await api.store.beginAnalysis(analysisInput(other, 1));
  const otherTiles = [tile(0, 9)];
  await api.store.saveTileResults(analysisId, otherTiles);
  await api.store.finishAnalysis(analysisId, scoresOf(otherTiles, 0.505));
  const rows = await api.store.listScores();
  row = rows.find((r) => r.path === file)!;
  expect(row).toBeDefined();
  const mrow = rows.find((r) => r.path === muscleFile)!;
  const mtiles = await api.store.getTileResults(mrow.analysisId);
  const locations: Record<string, number> = { endomysial: 0, perimysial: 0, perivascular: 0 };
  for (const d of mtiles.flatMap((t) => t.detections)) if (d.location) locations[d.location]++;
  mhc = { row: mrow, fibres: mtiles.flatMap((t) => t.fibres ?? []), locations };
  // the slide's MHC-I score counted exactly the stored fibres, with the viewer's call, and both kinds are there
  const m = mrow.markerScores!.mhc1!;
  expect(m.fibres).toBe(mhc.fibres.length);
  expect(m.positive).toBe(mhc.fibres.filter((f) => isMhc1Positive(f)).length);
  expect(m.positive).toBeGreaterThan(5);
  expect(m.fibres - m.positive).toBeGreaterThan(5);
  expect(mhc.fibres.every((f) => (f.contour?.length ?? 0) >= 3)).toBe(true);
  expect(Object.values(locations).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  const cells = await api.store.getDetections(row.analysisId);
  detections = { total: cells.length, positive: cells.filter((c) => c.grade > 0).length };
  expect(detections.total).toBeGreaterThan(100);
  expect(detections.positive).toBeGreaterThan(0);
  expect(detections.positive).toBeLessThan(detections.total);

  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

async function openViewer(link = ''): Promise<{ page: Page; tiles: { status: number; auth: string | undefined }[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const tiles: { status: number; auth: string | undefined }[] = [];
  const errors: string[] = [];
  page.on('requestfailed', (r) => errors.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.url().includes('/tiles/')) tiles.push({ status: r.status(), auth: r.request().headers().authorization });
  });
  await guardPage(page, errors);
  await page.goto(`${base}/viewer#token=${api.token.reader}${link}`);
  return { page, tiles, errors };
}

const CORE: (keyof SlideScores)[] = ['cellsPerMm2', 'positiveCellsPerMm2', 'pctPositive', 'hScore', 'pctPositiveArea', 'tissueAreaMm2', 'cells', 'positiveCells'];

describe('slide viewer in headless Chromium', () => {
  it('lists the slide, opens it with its tiles and overlay, shows its scores, and renders a non-blank image', async () => {
    const { page, tiles, errors } = await openViewer();
    try {
      // the token left the address bar once read
      await page.waitForSelector(`#tree button[data-slide-id="${row.slideId}"]`);
      expect(new URL(page.url()).hash).toBe('');
      expect(await page.locator('#tree .patient').allInnerTexts()).toEqual(['P07', 'P08', 'P09', 'P10', 'P11'].map((p) => expect.stringContaining(p)));

      await page.click(`#tree button[data-slide-id="${row.slideId}"]`);
      await page.waitForSelector('#osd[data-fully-loaded="true"]', { timeout: 60_000 });
      await page.waitForSelector(`#overlay[data-drawn="${detections.total}"]`, { timeout: 30_000 });

      // score panel: this slide's stored numbers
      expect(await page.getAttribute('#scores', 'data-analysis-id')).toBe(String(row.analysisId));
      for (const field of CORE) {
        const dd = page.locator(`#scores dd[data-field="${field}"]`);
        expect(Number(await dd.getAttribute('data-value')), field).toBe(row.scores[field]);
        const shown = Number(await dd.innerText());
        expect(Math.abs(shown - row.scores[field]), `${field} shown as ${shown}`).toBeLessThanOrEqual(Math.max(0.005, Math.abs(row.scores[field]) * 0.005));
      }

      // overlay: one mark per stored detection, positives and negatives as stored
      const overlay = page.locator('#overlay');
      expect(await overlay.getAttribute('data-cells')).toBe(String(detections.total));
      expect(await overlay.getAttribute('data-positive')).toBe(String(detections.positive));
      expect(await overlay.getAttribute('data-negative')).toBe(String(detections.total - detections.positive));
      expect(await overlay.getAttribute('data-fibres')).toBe('0');

      // tiles came through the tile route, each with the bearer token
      expect(tiles.length).toBeGreaterThan(0);
      for (const t of tiles) expect(t).toEqual({ status: 200, auth: `Bearer ${api.token.reader}` });

      // comparison plot: a bar for each unmarked slide (ours and P08's), ours outlined
      expect(await page.locator('#compare rect[data-slide-id]').count()).toBe(2);
      expect(await page.getAttribute(`#compare rect[data-slide-id="${row.slideId}"]`, 'stroke')).toBe('#e53935');

      // screenshots: with the overlay, its marks' colours are there; without, the tissue is
      const withMarks = await pixels(await page.locator('#osd').screenshot());
      await page.uncheck('#show-overlay');
      await page.waitForSelector('#overlay[data-drawn="0"]');
      const tissue = await pixels(await page.locator('#osd').screenshot());
      // the negative cells' blue rings (#1f5fd1) are drawn over the tiles, hundreds of pixels of them
      const ringBlue = ([r, g, b]: [number, number, number]) => Math.abs(r - 0x1f) < 40 && Math.abs(g - 0x5f) < 40 && b > 0xb0;
      expect(withMarks.count(ringBlue) - tissue.count(ringBlue)).toBeGreaterThan(10 * (detections.total - detections.positive));
      expect(tissue.stdev).toBeGreaterThan(15);
      // tissue colours: haematoxylin-tinted tissue (blue over green, darker than glass) over much of
      // the view (the slide is 65% tissue; measured 46% of the viewer area), DAB-brown cells in places
      const haematoxylin = tissue.count(([r, g, b]) => b - g > 8 && r + g + b < 720);
      const dab = tissue.count(([r, , b]) => r - b > 20);
      expect(haematoxylin / tissue.total).toBeGreaterThan(0.25);
      expect(dab / tissue.total).toBeGreaterThan(0.005);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('outlines every stored fibre of an MHC-I section by its status, shows the MHC-I scores, and names marks on hover', async () => {
    const { page, errors } = await openViewer();
    try {
      const m = mhc.row.markerScores!.mhc1!;
      await page.click(`#tree button[data-slide-id="${mhc.row.slideId}"]`);
      await page.waitForSelector('#osd[data-fully-loaded="true"]', { timeout: 60_000 });
      await page.waitForSelector(`#overlay[data-fibres="${mhc.fibres.length}"]`, { timeout: 30_000 });
      const overlay = page.locator('#overlay');
      expect(await overlay.getAttribute('data-fibres-positive')).toBe(String(m.positive));
      expect(await overlay.getAttribute('data-fibres-negative')).toBe(String(m.fibres - m.positive));
      expect(await overlay.getAttribute('data-drawn')).toBe(await overlay.getAttribute('data-cells'));
      // legend: fibre keys with the stored counts
      expect(await page.getAttribute('#legend [data-key="fibre-positive"]', 'data-count')).toBe(String(m.positive));
      expect(await page.getAttribute('#legend [data-key="fibre-negative"]', 'data-count')).toBe(String(m.fibres - m.positive));

      // score panel: the stored MHC-I grade, % positive fibres and pattern under the generic scores
      const dd = (field: string) => page.locator(`#scores dd[data-field="${field}"]`);
      expect(await dd('mhc1.grade').getAttribute('data-value')).toBe(String(m.grade));
      expect(await dd('mhc1.grade').innerText()).toBe(String(m.grade));
      expect(Number(await dd('mhc1.percentPositive').getAttribute('data-value'))).toBe(m.percentPositive);
      expect(await dd('mhc1.positive').innerText()).toBe(`${m.positive} / ${m.fibres}`);
      expect(await dd('mhc1.pattern').innerText()).toBe(m.pattern);
      // an MHC-I slide runs no cell scorer: no cell H-score in its panel, the area scores are there
      expect(await page.locator('#scores dl.scores').first().locator('dd[data-field="hScore"]').count()).toBe(0);
      expect(await page.locator('#scores dl.scores').first().locator('dd[data-field="pctPositiveArea"]').count()).toBe(1);

      // screenshots with and without the overlay: the outline colours appear only with it
      const withMarks = await pixels(await page.locator('#osd').screenshot());
      await page.uncheck('#show-overlay');
      await page.waitForSelector('#overlay[data-fibres="0"]');
      const tissue = await pixels(await page.locator('#osd').screenshot());
      await page.check('#show-overlay');
      // #e8141c for MHC-I positive fibres, #0096e6 for negative ones
      const red = ([r, g, b]: [number, number, number]) => r > 200 && g < 70 && b < 80;
      const sky = ([r, g, b]: [number, number, number]) => r < 60 && g > 120 && g < 180 && b > 190;
      expect(tissue.count(red)).toBe(0);
      expect(tissue.count(sky)).toBe(0);
      // a fibre ~50 µm across at ~0.7 screen px per level-0 px has an outline of ~200 px: measured
      // 217 px of full colour per fibre on this slide (5430 red for 25 positive, 6776 sky for 31 negative)
      expect(withMarks.count(red)).toBeGreaterThan(100 * m.positive);
      expect(withMarks.count(sky)).toBeGreaterThan(100 * (m.fibres - m.positive));

      // hover: a positive fibre away from any cell names its status and DAB; a located cell its location
      const o = await (await page.request.get(`${base}/analyses/${mhc.row.analysisId}/overlay`, { headers: { authorization: `Bearer ${api.token.reader}` } })).json();
      const map = JSON.parse((await overlay.getAttribute('data-map'))!);
      const box = (await page.locator('#osd').boundingBox())!;
      const at = (x: number, y: number) => page.mouse.move(box.x + map.ox + x * map.sx, box.y + map.oy + y * map.sy);
      const clear = (x: number, y: number) => o.cells.x.every((cx: number, i: number) => Math.hypot(cx - x, o.cells.y[i] - y) > o.cells.radius[i] + 8 / map.sx);
      const fi = o.fibres.findIndex((f: { x: number; y: number; positive: boolean }) => f.positive && clear(f.x, f.y));
      expect(fi).toBeGreaterThanOrEqual(0);
      const stored = mhc.fibres[fi];
      await at(o.fibres[fi].x, o.fibres[fi].y);
      await page.waitForSelector('#tip:not([hidden])');
      expect(await page.innerText('#tip')).toMatch(new RegExp(`^fibre: MHC-I positive · ring DAB ${stored.ringDab.toFixed(3)} · interior DAB ${stored.interiorDab.toFixed(3)}`));
      // a perimysial cell if there is one (the tooltip must not just say the commonest location)
      const perimysial = o.cells.location.indexOf('perimysial');
      const ci = perimysial >= 0 ? perimysial : o.cells.location.findIndex((l: string | null) => l !== null);
      await at(o.cells.x[ci], o.cells.y[ci]);
      await page.waitForSelector('#tip[data-kind="cell"]');
      expect(await page.innerText('#tip')).toContain(` · ${o.cells.location[ci]}`);

      // cells by location: legend and drawn marks count the stored locations
      await page.selectOption('#colour-by', 'location');
      await page.waitForSelector('#overlay[data-colour-by="location"]');
      for (const [l, n] of Object.entries(mhc.locations)) {
        expect(await page.getAttribute(`#legend [data-key="location-${l}"]`, 'data-count'), l).toBe(String(n));
        expect(await overlay.getAttribute(`data-${l}`), l).toBe(String(n));
      }
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows a CD163 slide's densities by location and infiltrate grades and clusters, and an IL-1Ra slide's expressed call", async () => {
    const { page } = await openViewer();
    try {
      const want = markerScores('cd163');
      await page.click(`#tree button[data-slide-id="${handmade.cd163}"]`);
      await page.waitForSelector(`#scores[data-slide-id="${handmade.cd163}"] .marker-scores[data-marker="CD163"]`);
      const cell = (field: string) => page.locator(`#scores [data-field="${field}"]`);
      expect(await cell('cd163.positiveCellsPerMm2').innerText()).toBe('62.80');
      expect(await cell('cd163.pctPositiveArea').innerText()).toBe('1.25');
      expect(await cell('cd163.byLocation.endomysial.cellsPerMm2').innerText()).toBe('40');
      expect(await cell('cd163.byLocation.perimysial.cellsPerMm2').innerText()).toBe('18');
      expect(await cell('cd163.byLocation.perivascular.cellsPerMm2').innerText()).toBe('4.80');
      expect(await cell('infiltrates.cellsPerMm2').innerText()).toBe('24');
      expect(await cell('infiltrates.byLocation.endomysial.grade').innerText()).toBe('1 ≥4/HPF');
      expect(await cell('infiltrates.byLocation.perimysial.grade').innerText()).toBe('2 cluster');
      expect(await cell('infiltrates.byLocation.perivascular.peakCellsPerHpf').innerText()).toBe('14');
      expect(await cell('infiltrates.clusters').getAttribute('data-value')).toBe('2');
      expect(await page.locator('#scores ul.clusters li').allInnerTexts()).toEqual(['11 cells, perimysial, at 1520, 880 µm', '14 cells, perivascular, at 2211, 1333 µm']);
      expect(want.infiltrates!.clusters.map((c) => c.size)).toEqual([11, 14]);

      await page.click(`#tree button[data-slide-id="${handmade.il1ra}"]`);
      await page.waitForSelector(`#scores[data-slide-id="${handmade.il1ra}"] .marker-scores[data-marker="IL-1Ra"]`);
      expect(await cell('il1.expressed').innerText()).toBe('yes (by area)');
      expect(await cell('il1.expressed').getAttribute('data-value')).toBe('true');
      expect(await cell('il1.pctPositiveArea').innerText()).toBe('3.20');
      expect(await cell('il1.positiveCellsPerMm2').innerText()).toBe('7.50');
      expect(await page.locator('#scores .marker-scores h4').allInnerTexts()).toEqual(['IL-1']);
    } finally {
      await page.close();
    }
  });

  it('opens the analysis a link names (#analysis=…, as the submission page links a finished slide), and says so when the token may not', async () => {
    const { page, errors } = await openViewer(`&analysis=${mhc.row.analysisId}`);
    try {
      await page.waitForSelector(`#scores[data-analysis-id="${mhc.row.analysisId}"]`);
      expect(await page.getAttribute(`#tree button[data-slide-id="${mhc.row.slideId}"]`, 'aria-current')).toBe('true');
      expect(new URL(page.url()).hash).toBe('');
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
    const missing = await openViewer('&analysis=999999');
    try {
      await missing.page.waitForSelector('#status.error');
      expect(await missing.page.textContent('#status')).toBe('analysis 999999 is not among the slides this token may open (not finished, signed off, or another role\'s)');
    } finally {
      await missing.page.close();
    }
  });

  it('says why when the token is wrong', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/viewer#token=bq_not_a_token`);
      await page.waitForSelector('#status.error');
      expect(await page.innerText('#status')).toBe('/tokens/me: 401 invalid or revoked API token');
    } finally {
      await page.close();
    }
  });
});

async function pixels(png: Buffer): Promise<{ total: number; stdev: number; count(f: (rgb: [number, number, number]) => boolean): number }> {
  const img = sharp(png).removeAlpha();
  const stats = await img.stats();
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return {
    total: info.width * info.height,
    stdev: Math.max(...stats.channels.map((c) => c.stdev)),
    count(f) {
      let n = 0;
      for (let i = 0; i < data.length; i += info.channels) if (f([data[i], data[i + 1], data[i + 2]])) n++;
      return n;
    },
  };
}
