import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { SlideMetadata } from '../../src/domain/slide.js';
import { resolveParams } from '../../src/domain/params.js';
import type { RgbRaster } from '../../src/image/raster.js';
import { analyseSlide, type SlideSuccess } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import type { Api } from '../api/setup.js';
import { launchChromium } from './chromium.js';

/** Shared by the viewer browser tests over scanner formats (issue 11): open the page, load a slide, compare its deepest Deep Zoom tiles. */

/** Analyses the slide at `path` into the API's store, then serves the API on a free port and starts Chromium. */
export async function analyseAndServe(api: Api, path: string, metadata: SlideMetadata): Promise<{ outcome: SlideSuccess; slideId: number; base: string; browser: Browser }> {
  const executor = inlineExecutor();
  let outcome: SlideSuccess;
  try {
    const o = await analyseSlide({ path, metadata, params: resolveParams({}), executor, store: api.store });
    if (!o.ok) throw new Error(o.error);
    outcome = o;
  } finally {
    await executor.close();
  }
  const slideId = (await api.store.listScores())[0].slideId;
  const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
  return { outcome, slideId, base, browser: await launchChromium() };
}

export interface TileDiff {
  tile: string;
  /** mean absolute difference per value, in 8-bit levels */
  mean: number;
  /** share of values off by more than 24 levels */
  over: number;
}

/**
 * Opens the viewer with the reader token, clicks `slideId` in the tree, waits for OpenSeadragon to
 * finish loading (no page errors, every tile request 200), then fetches every full-resolution Deep
 * Zoom tile through the browser's request context and returns its difference to `source`.
 */
export async function viewerTileDiffs(browser: Browser, base: string, token: string, slideId: number, source: RgbRaster): Promise<TileDiff[]> {
  const { width: W, height: H } = source;
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors: string[] = [];
  const tiles = new Map<string, number>();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('response', (r) => {
    if (r.url().includes('/tiles/')) tiles.set(new URL(r.url()).pathname, r.status());
  });
  try {
    await page.goto(`${base}/viewer#token=${token}`);
    await page.waitForSelector(`#tree button[data-slide-id="${slideId}"]`);
    await page.click(`#tree button[data-slide-id="${slideId}"]`);
    await page.waitForSelector('#osd[data-fully-loaded="true"]', { timeout: 60_000 });
    expect(errors).toEqual([]);
    expect(tiles.size).toBeGreaterThan(0);
    for (const [url, status] of tiles) expect(status, url).toBe(200);

    const maxLevel = Math.ceil(Math.log2(Math.max(W, H)));
    const diffs: TileDiff[] = [];
    for (let col = 0; col * 254 < W; col++) {
      for (let row = 0; row * 254 < H; row++) {
        const res = await page.request.get(`${base}/slides/${slideId}/tiles/${maxLevel}/${col}_${row}.jpg`, { headers: { authorization: `Bearer ${token}` } });
        expect(res.status()).toBe(200);
        const { data, info } = await sharp(await res.body()).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        // Deep Zoom: 254-px tiles with one pixel of overlap on every inner edge
        const x0 = col * 254 - (col > 0 ? 1 : 0);
        const y0 = row * 254 - (row > 0 ? 1 : 0);
        expect([info.width, info.height]).toEqual([Math.min(W, (col + 1) * 254 + 1) - x0, Math.min(H, (row + 1) * 254 + 1) - y0]);
        let sum = 0;
        let over = 0;
        for (let y = 0; y < info.height; y++) {
          for (let x = 0; x < info.width; x++) {
            for (let c = 0; c < 3; c++) {
              const d = Math.abs(data[(y * info.width + x) * 3 + c] - source.data[((y0 + y) * W + x0 + x) * 3 + c]);
              sum += d;
              if (d > 24) over++;
            }
          }
        }
        const n = info.width * info.height * 3;
        diffs.push({ tile: `${col}_${row}`, mean: sum / n, over: over / n });
      }
    }
    expect(diffs).toHaveLength(Math.ceil(W / 254) * Math.ceil(H / 254));
    return diffs;
  } finally {
    await page.close();
  }
}
