import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbRaster } from '../../src/image/raster.js';
import { writeScannerSlide } from '../../src/synthetic/formats/index.js';
import { sceneSource } from '../../src/synthetic/render.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { openApi, type Api } from '../api/setup.js';
import { analyseAndServe, viewerTileDiffs } from './viewer-tiles.js';

/**
 * Issue 11: the viewer shows an NDPI slide read through OpenSlide. In headless Chromium the page
 * opens the slide and loads its tiles; the full-resolution Deep Zoom tiles the browser fetched equal
 * the pixels written into the NDPI (two JPEG generations apart: the NDPI's and the tile's).
 */
const W = 1024;
const H = 768;
let api: Api;
let browser: Browser;
let base: string;
let source: RgbRaster;
let slideId: number;

beforeAll(async () => {
  api = await openApi();
  const scene = makeScene({ seed: 22, width: W, height: H });
  source = sceneSource(scene).region(0, 0, W, H);
  const file = path.join(api.root, 'scanner.ndpi');
  await writeScannerSlide('ndpi', file, [source], { mpp: scene.mpp, quality: 95 });
  ({ slideId, base, browser } = await analyseAndServe(api, file, { patient: 'P21', timepoint: 'baseline' }));
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('viewer on an NDPI slide', () => {
  it('opens it, loads its tiles with the token, and full-resolution tiles equal the written pixels', async () => {
    const diffs = await viewerTileDiffs(browser, base, api.token.reader, slideId, source);
    for (const d of diffs) {
      // measured on this slide: mean 2.4–2.8 levels per tile, at most 0.004 % of values off by more than 24
      expect(d.mean, `tile ${d.tile}`).toBeLessThan(4);
      expect(d.over, `tile ${d.tile}`).toBeLessThan(0.01);
    }
  });
});
