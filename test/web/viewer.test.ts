import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/domain/params.js';
import type { SlideScores } from '../../src/domain/scores.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import type { ScoreRow } from '../../src/store/store.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';
import { openApi, type Api } from '../api/setup.js';
import { analysisInput, scoresOf, slideInput, tile } from '../store/fixtures.js';

/**
 * The viewer in a real browser (Debian's chromium driven by playwright-core) against the real
 * server, store and a slide analysed by the real pipeline: the page lists the slide, opens it,
 * loads tiles with the token, draws one mark per stored detection and shows the stored scores.
 */
const CHROMIUM = '/usr/bin/chromium';

let api: Api;
let browser: Browser;
let base: string;
let row: ScoreRow;
let detections: { total: number; positive: number };

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`the viewer test needs Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium" (.ci/run does this)`);
  }
  api = await openApi();
  const file = path.join(api.root, 'viewer-slide.tif');
  // 2048 × 1536 px at 0.5 µm/px: big enough for a few DZI levels and a few hundred cells
  await writeSyntheticSlide(makeScene({ seed: 21, width: 2048, height: 1536, cellsPerMm2: 900 }), file, 'pyramidal-tiff');
  const executor = inlineExecutor();
  try {
    const outcome = await analyseSlide({
      path: file,
      metadata: { patient: 'P07', timepoint: 'baseline' },
      params: resolveParams({}),
      executor,
      store: api.store,
    });
    if (!outcome.ok) throw new Error(`analysis failed: ${outcome.error}`);
  } finally {
    await executor.close();
  }
  // another patient's slide, unmarked like ours, for the tree and the comparison plot (its file is not real)
  const other = await api.store.upsertSlide(slideInput('other', { patient: 'P08', timepoint: 'month-6' }));
  const { analysisId } = await api.store.beginAnalysis(analysisInput(other, 1));
  const otherTiles = [tile(0, 9)];
  await api.store.saveTileResults(analysisId, otherTiles);
  await api.store.finishAnalysis(analysisId, scoresOf(otherTiles, 0.505));
  const rows = await api.store.listScores();
  row = rows.find((r) => r.path === file)!;
  expect(row).toBeDefined();
  const cells = await api.store.getDetections(row.analysisId);
  detections = { total: cells.length, positive: cells.filter((c) => c.grade > 0).length };
  expect(detections.total).toBeGreaterThan(100);
  expect(detections.positive).toBeGreaterThan(0);
  expect(detections.positive).toBeLessThan(detections.total);

  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

async function openViewer(): Promise<{ page: Page; tiles: { status: number; auth: string | undefined }[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const tiles: { status: number; auth: string | undefined }[] = [];
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('requestfailed', (r) => errors.push(`${r.url()}: ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.url().includes('/tiles/')) tiles.push({ status: r.status(), auth: r.request().headers().authorization });
  });
  // nothing may come from outside the server
  await page.route(/^(?!http:\/\/127\.0\.0\.1:)/, (route) => {
    errors.push(`outside request: ${route.request().url()}`);
    return route.abort();
  });
  await page.goto(`${base}/viewer#token=${api.token.reader}`);
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
      expect(await page.locator('#tree .patient').allInnerTexts()).toEqual([expect.stringContaining('P07'), expect.stringContaining('P08')]);

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

  it('draws fibres by MHC-I status when the overlay has them', async () => {
    const { page, errors } = await openViewer();
    try {
      const fibres = [
        { x: 400, y: 300, radiusPx: 60, positive: true },
        { x: 900, y: 700, radiusPx: 80, positive: false },
        { x: 1500, y: 1000, radiusPx: 70, positive: true },
      ];
      await page.route('**/analyses/*/overlay', async (route) => {
        const res = await route.fetch();
        await route.fulfill({ response: res, json: { ...(await res.json()), fibres } });
      });
      await page.click(`#tree button[data-slide-id="${row.slideId}"]`);
      await page.waitForSelector('#overlay[data-fibres="3"]', { timeout: 30_000 });
      expect(await page.getAttribute('#overlay', 'data-drawn')).toBe(String(detections.total));
      const shot = await pixels(await page.locator('#osd').screenshot());
      // #c2185b for MHC-I positive fibres, #4caf50 for negative
      expect(shot.count(([r, g, b]) => r > 150 && g < 60 && b > 60 && b < 130)).toBeGreaterThan(30);
      expect(shot.count(([r, g, b]) => r < 110 && g > 140 && b < 110)).toBeGreaterThan(30);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('says why when the token is wrong', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/viewer#token=bq_not_a_token`);
      await page.waitForSelector('#status.error');
      expect(await page.innerText('#status')).toBe('/slides: 401 invalid or revoked API token');
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
