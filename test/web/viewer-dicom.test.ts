import { realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RgbRaster } from '../../src/image/raster.js';
import { dicomPyramid, writeDicomWsi } from '../../src/synthetic/formats/dicom-wsi-writer.js';
import { sceneSource } from '../../src/synthetic/render.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { bearer, openApi, type Api } from '../api/setup.js';
import { analyseAndServe, viewerTileDiffs } from './viewer-tiles.js';

/**
 * Issue 11: the viewer shows a DICOM WSI series, a folder of Part-10 files (one per level, JPEG
 * frames at 4:2:0 as scanners write them, plus a label). The folder goes the whole way a submitted
 * slide goes: POST /batches names it (relative to SLIDES_ROOT), the pipeline analyses the real path
 * the API handed on, and in headless Chromium the viewer loads its tiles; the full-resolution Deep
 * Zoom tiles equal the written pixels (two JPEG generations apart: the frames' and the tile's).
 */
const W = 1024;
const H = 768;
let api: Api;
let browser: Browser;
let base: string;
let source: RgbRaster;
let slideId: number;
let series: string;

beforeAll(async () => {
  api = await openApi();
  const scene = makeScene({ seed: 23, width: W, height: H });
  source = sceneSource(scene).region(0, 0, W, H);
  await writeDicomWsi(path.join(api.root, 'dicom-series'), await dicomPyramid(source, 256), { mpp: scene.mpp, codec: 'jpeg', quality: 95, overview: true });
  const submitted = await api.app.inject({
    method: 'POST',
    url: '/batches',
    headers: bearer(api.token.submitter),
    payload: { slides: [{ file: 'dicom-series', patient: 'P22', timepoint: 'baseline' }] },
  });
  expect(submitted.statusCode).toBe(201);
  const request = api.batches.submitted.at(-1)!.slides[0];
  series = request.path;
  const served = await analyseAndServe(api, series, request.metadata);
  ({ slideId, base, browser } = served);
  expect(served.outcome.provenance.backend).toBe('dicom');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

describe('viewer on a DICOM WSI series (a folder slide)', () => {
  it('the submitted folder is analysed as one slide and its Deep Zoom descriptor is the scan', async () => {
    expect(series).toBe(path.join(await realpath(api.root), 'dicom-series'));
    const dzi = await api.app.inject({ method: 'GET', url: `/slides/${slideId}/dzi`, headers: bearer(api.token.reader) });
    expect(dzi.statusCode).toBe(200);
    expect(dzi.body).toMatch(new RegExp(`Width="${W}" Height="${H}"`));
  });

  it('opens it, loads its tiles with the token, and full-resolution tiles equal the written pixels', async () => {
    const diffs = await viewerTileDiffs(browser, base, api.token.reader, slideId, source);
    for (const d of diffs) {
      // measured on this series: mean 3.0–3.7 levels per tile (4:2:0 frames, then the tile's JPEG), at most 0.07 % of values off by more than 24
      expect(d.mean, `tile ${d.tile}`).toBeLessThan(4.5);
      expect(d.over, `tile ${d.tile}`).toBeLessThan(0.01);
    }
  });
});
