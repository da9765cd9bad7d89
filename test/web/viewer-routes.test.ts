import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FibreRecord } from '../../src/domain/detection.js';
import { rgbRaster } from '../../src/image/raster.js';
import { bearer, openApi, type Api } from '../api/setup.js';
import type { QcSummary } from '../../src/domain/qc.js';
import { analysisInput, scoresOf, slideInput, tile, withHandmadeQc } from '../store/fixtures.js';

let api: Api;
/** slide with a real 1000 × 600 image file, analysed twice (second one newer) */
let imaged: { slideId: number; first: number; latest: number };
/** slide whose file does not exist */
let missing: { slideId: number; analysisId: number };
let running: number;
/** MHC-I slide at 0.25 µm/px with hand-made fibres and located cells */
let muscle: { slideId: number; analysisId: number };
let cd163Muscle: { slideId: number; analysisId: number };

async function analyse(slideId: number, cells: number, params = {}): Promise<number> {
  const { analysisId } = await api.store.beginAnalysis(analysisInput(slideId, 1, params));
  const tiles = [tile(0, cells)];
  await api.store.saveTileResults(analysisId, tiles);
  await api.store.finishAnalysis(analysisId, scoresOf(tiles, 0.505));
  return analysisId;
}

beforeAll(async () => {
  api = await openApi();
  const file = path.join(api.root, 'gradient.png');
  const img = rgbRaster(1000, 600);
  for (let i = 0; i < 1000 * 600; i++) img.data.set([(i % 1000) / 4, 100, 200], i * 3);
  await sharp(img.data, { raw: { width: 1000, height: 600, channels: 3 } }).png().toFile(file);

  const a = await api.store.upsertSlide({ ...slideInput('a', { patient: 'P1', timepoint: 'baseline', marker: 'CD163' }), path: file, width: 1000, height: 600, mpp: 0.5 });
  const first = await analyse(a, 5);
  const latest = await analyse(a, 7, { tileSize: 512 });
  imaged = { slideId: a, first, latest };
  const b = await api.store.upsertSlide(slideInput('b', { patient: 'P1', timepoint: 'month-6', marker: 'CD163' }));
  missing = { slideId: b, analysisId: await analyse(b, 3) };
  const c = await api.store.upsertSlide(slideInput('c', { patient: 'P2', timepoint: 'baseline', marker: 'IL1RA' }));
  await analyse(c, 2);
  running = (await api.store.beginAnalysis(analysisInput(c, 1, { tileSize: 256 }))).analysisId;

  const m = await api.store.upsertSlide({ ...slideInput('m', { patient: 'P2', timepoint: 'month-6', marker: 'MHC-I' }), mpp: 0.25 });
  const { analysisId } = await api.store.beginAnalysis(analysisInput(m, 2));
  const t0 = tile(0, 3);
  t0.detections.forEach((d, i) => Object.assign(d, { location: (['endomysial', 'perimysial', 'perivascular'] as const)[i], inFibre: i === 0 }));
  t0.fibres = MUSCLE_FIBRES.slice(0, 2);
  const t1 = tile(1, 1);
  t1.detections[0].location = 'perivascular'; // no inFibre stored for this one
  t1.fibres = MUSCLE_FIBRES.slice(2);
  await api.store.saveTileResults(analysisId, [t0, t1]);
  await api.store.finishAnalysis(analysisId, scoresOf([t0, t1], 0.505));
  muscle = { slideId: m, analysisId };

  // the same fibres on a CD163 section: outlined, with no MHC-I status
  const k = await api.store.upsertSlide({ ...slideInput('k', { patient: 'P3', timepoint: 'baseline', marker: 'CD163' }), mpp: 0.25 });
  const kAnalysis = await api.store.beginAnalysis(analysisInput(k, 1));
  const k0 = tile(0, 2);
  k0.fibres = MUSCLE_FIBRES;
  await api.store.saveTileResults(kAnalysis.analysisId, [k0]);
  await api.store.finishAnalysis(kAnalysis.analysisId, scoresOf([k0], 0.505));
  cd163Muscle = { slideId: k, analysisId: kAnalysis.analysisId };
});

// MHC-I thresholds (src/score/mhc1.ts): ring ≥ 0.1 or interior ≥ 0.2
const MUSCLE_FIBRES: FibreRecord[] = [
  // ring exactly at its threshold: positive; a diamond outline
  { x: 100, y: 50, areaUm2: 1250, minFeretUm: 35, ringDab: 0.1, interiorDab: 0.05, peripheralNuclei: 3, internalNuclei: 0, perifascicular: true, contour: [[75, 50], [100, 25], [125, 50], [100, 75]] },
  // interior at its threshold: positive
  { x: 200.1, y: 80.05, areaUm2: 900, minFeretUm: 30, ringDab: 0.099, interiorDab: 0.2, peripheralNuclei: 2, internalNuclei: 1, perifascicular: false, contour: [[190.025, 70], [210.1, 70.2], [200, 90.05]] },
  // both just under: negative; no outline stored, so drawn as a circle of area 100π µm² → r = 10 µm = 40 px
  { x: 300, y: 120, areaUm2: 100 * Math.PI, minFeretUm: 20, ringDab: 0.099, interiorDab: 0.199, peripheralNuclei: 4, internalNuclei: 0, perifascicular: false },
];
afterAll(() => api.close());

const get = (url: string, token: string | null = api.token.reader) => api.app.inject({ method: 'GET', url, headers: token === null ? {} : bearer(token) });

describe('viewer page and its static files', () => {
  it('GET /viewer needs no token and loads OpenSeadragon and the viewer from this server', async () => {
    const res = await get('/viewer', null);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toContain('<script src="/viewer/openseadragon.min.js"></script>');
    expect(res.body).toContain('<script type="module" src="/viewer/viewer.js"></script>');
    expect(res.body).not.toMatch(/https?:\/\//);
  });

  it('serves OpenSeadragon from node_modules byte for byte, and its button images', async () => {
    const osdDir = path.dirname(createRequire(import.meta.url).resolve('openseadragon'));
    const js = await get('/viewer/openseadragon.min.js', null);
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
    expect(js.rawPayload.equals(await readFile(path.join(osdDir, 'openseadragon.min.js')))).toBe(true);
    const png = await get('/viewer/images/zoomin_rest.png', null);
    expect(png.statusCode).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect((await sharp(png.rawPayload).metadata()).format).toBe('png');
  });

  it("serves the viewer's own modules as JavaScript", async () => {
    for (const file of ['viewer.js', 'overlay.js', 'marker-panel.js', 'score-rows.js', 'http.js', 'review-api.js', 'draw-tools.js', 'regions-layer.js', 'review-panel.js', 'review-queue.js', 'review-state.js', 'corrections.js', 'corrected-overlay.js']) {
      const res = await get(`/viewer/${file}`, null);
      expect(res.statusCode, file).toBe(200);
      expect(res.headers['content-type'], file).toBe('text/javascript; charset=utf-8');
      expect(res.body, file).toBe(await readFile(new URL(`../../src/web/${file}`, import.meta.url), 'utf8'));
    }
  });

  it('serves nothing else', async () => {
    expect((await get('/viewer/server.ts', null)).statusCode).toBe(400);
    expect((await get('/viewer/images/nope.png', null)).statusCode).toBe(404);
    expect((await get('/viewer/images/..%2F..%2Fpackage.json', null)).statusCode).toBe(400);
  });
});

describe('data routes need a reader token (a pathologist reads the slide it reviews, not the tree of every score)', () => {
  it.each([
    ['/slides', 'reader or admin'],
    ['/slides/1/dzi', 'reader or pathologist or admin'],
    ['/slides/1/tiles/0/0_0.jpg', 'reader or pathologist or admin'],
    ['/analyses/1/overlay', 'reader or pathologist or admin'],
  ])('%s', async (url, needs) => {
    expect((await get(url, null)).statusCode).toBe(401);
    const sub = await get(url, api.token.submitter);
    expect(sub.statusCode).toBe(403);
    expect(sub.json().message).toMatch(new RegExp(`^a submitter token may not GET .*; needs ${needs}$`));
    expect((await get(url, api.token.pathologist)).statusCode).toBe(needs.includes('pathologist') ? 200 : 403);
  });
});

describe('GET /slides', () => {
  it('groups slides patient → timepoint, each with its latest finished analysis and its scores', async () => {
    const res = await get('/slides');
    expect(res.statusCode).toBe(200);
    const tree = res.json();
    const stored = await api.store.listScores();
    const scoresOf = (analysisId: number) => stored.find((r) => r.analysisId === analysisId)!.scores;
    expect(tree.patients.map((p: { patient: string }) => p.patient)).toEqual(['P1', 'P2', 'P3']);
    const [p1, p2, p3] = tree.patients;
    expect(p1.timepoints.map((t: { biopsy: string }) => t.biopsy)).toEqual(['P1:baseline', 'P1:month-6']);
    const a = p1.timepoints[0].slides;
    expect(a).toHaveLength(1);
    expect(a[0]).toMatchObject({ slideId: imaged.slideId, name: 'gradient.png', marker: 'CD163', analysisId: imaged.latest, slideMppUm: 0.5 });
    expect(a[0].scores).toEqual(scoresOf(imaged.latest));
    // 7 cells in the latest analysis, 5 in the first: the tree shows the latest
    expect(a[0].scores.cells).toBe(7);
    expect(p1.timepoints[1].slides.map((s: { slideId: number }) => s.slideId)).toEqual([missing.slideId]);
    // the running analysis of P2's slide is not finished, so its finished one is shown
    expect(p2.timepoints[0].slides[0].analysisId).not.toBe(running);
    expect(p2.timepoints[0].slides[0].scores.cells).toBe(2);
    // the MHC-I slide has no cell scores (it runs no 'cells' scorer); a CD163 slide has them
    const mhc = p2.timepoints[1].slides[0];
    expect(mhc.marker).toBe('MHC-I');
    expect(mhc.scores).not.toHaveProperty('hScore');
    expect(mhc.scores).not.toHaveProperty('cells');
    expect(mhc.scores.tissueAreaMm2).toBe(scoresOf(muscle.analysisId).tissueAreaMm2);
    expect(p3.timepoints[0].slides[0].scores.hScore).toBe(scoresOf(cd163Muscle.analysisId).hScore);
  });
});

describe('Deep Zoom routes', () => {
  it('GET /slides/:id/dzi describes the 1000 × 600 image', async () => {
    const res = await get(`/slides/${imaged.slideId}/dzi`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(res.body).toContain('TileSize="254" Overlap="1" Format="jpg"><Size Width="1000" Height="600"/>');
  });

  it('a tile is a JPEG of its rectangle: last column and row of level 10 are 239 × 93 and show x ≈ 761..999', async () => {
    const res = await get(`/slides/${imaged.slideId}/tiles/10/3_2.jpg`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const { data, info } = await sharp(res.rawPayload).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([239, 93]);
    // red is x / 4 in the source: (761 + 0) / 4 = 190 at the left edge, 999 / 4 = 250 at the right
    expect(Math.abs(data[0] - 190)).toBeLessThanOrEqual(4);
    expect(Math.abs(data[(238) * 3] - 250)).toBeLessThanOrEqual(4);
    expect(Math.abs(data[2] - 200)).toBeLessThanOrEqual(4);
  });

  it.each([
    ['/tiles/11/0_0.jpg', 404, 'params.level: 11 is not in 0–10 for slide {id}'],
    ['/tiles/10/4_0.jpg', 404, 'params.tile: column 4 is not in 0–3 at level 10 of slide {id}'],
    ['/tiles/10/0_3.jpg', 404, 'params.tile: row 3 is not in 0–2 at level 10 of slide {id}'],
    ['/tiles/8/1_0.jpg', 404, 'params.tile: column 1 is not in 0–0 at level 8 of slide {id}'],
    ['/tiles/ten/0_0.jpg', 400, 'params.level: Invalid input: expected number, received NaN'],
    ['/tiles/-1/0_0.jpg', 400, 'params.level: Too small: expected number to be >=0'],
    ['/tiles/10/0-0.jpg', 400, 'params.tile: must be <col>_<row>.jpg'],
    ['/tiles/10/0_0.png', 400, 'params.tile: must be <col>_<row>.jpg'],
  ])('%s → %i', async (suffix, status, message) => {
    const res = await get(`/slides/${imaged.slideId}${suffix}`);
    expect(res.statusCode).toBe(status);
    expect(res.json().message).toBe(message.replace('{id}', String(imaged.slideId)));
  });

  it('names the slide that does not exist, the id that is not one, and the file that is gone', async () => {
    expect((await get('/slides/9999/dzi')).json()).toEqual({ statusCode: 404, error: 'Not Found', message: 'slide 9999 not found or has no finished analysis' });
    const bad = await get('/slides/abc/dzi');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^params\.id: /);
    const gone = await get(`/slides/${missing.slideId}/tiles/0/0_0.jpg`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().message).toBe(`slide ${missing.slideId} cannot be shown: /slides/b.tif: file not found`);
  });
});

describe('GET /analyses/:id/overlay', () => {
  it('gives every detection in level-0 pixels (µm / 0.5 µm/px) with its nucleus radius and grade', async () => {
    const res = await get(`/analyses/${imaged.latest}/overlay`);
    expect(res.statusCode).toBe(200);
    const o = res.json();
    const cells = await api.store.getDetections(imaged.latest);
    expect(o).toMatchObject({ analysisId: imaged.latest, slideId: imaged.slideId, slideMppUm: 0.5, count: 7 });
    expect(o.cells.grade).toEqual(cells.map((c) => c.grade));
    expect(o.fibres).toBeUndefined();
    expect(o.cells.location).toBeUndefined();
    // fixtures' first cell: x = 0.0625 µm, y = 100000.5 µm, nucleus 10 µm² → r = √(10/π) = 1.784 µm = 3.568 px
    expect([o.cells.x[0], o.cells.y[0], o.cells.radius[0]]).toEqual([0.1, 200001, 3.57]);
    // second: x = 1.1875 µm → 2.375 px, y = 99999.75 µm → 199999.5 px, nucleus 10 + 31·0.37 = 21.47 µm² → 2.614 µm → 5.229 px
    expect([o.cells.x[1], o.cells.y[1], o.cells.radius[1]]).toEqual([2.4, 199999.5, 5.23]);
  });

  it('gives fibres as level-0 px outlines (µm / 0.25 µm/px) with their MHC-I call, and cells their locations', async () => {
    const res = await get(`/analyses/${muscle.analysisId}/overlay`);
    expect(res.statusCode).toBe(200);
    const o = res.json();
    expect(o).toMatchObject({ analysisId: muscle.analysisId, slideId: muscle.slideId, slideMppUm: 0.25, count: 4 });
    expect(o.mhc1Thresholds).toEqual({ ring: 0.1, interior: 0.2 });
    expect(o.fibres).toEqual([
      // 1250 µm² → r = √(1250/π) = 19.947 µm = 79.79 px
      { x: 400, y: 200, contour: [[300, 200], [400, 100], [500, 200], [400, 300]], radiusPx: 79.79, positive: true, ringDab: 0.1, interiorDab: 0.05, perifascicular: true, target: 'fibre:0:0' },
      // 200.1 / 0.25 = 800.4; 190.025 → 760.1; 210.1 → 840.4; 70.2 → 280.8; 90.05 → 360.2; 900 µm² → r = 16.926 µm = 67.7 px
      { x: 800.4, y: 320.2, contour: [[760.1, 280], [840.4, 280.8], [800, 360.2]], radiusPx: 67.7, positive: true, ringDab: 0.099, interiorDab: 0.2, perifascicular: false, target: 'fibre:0:1' },
      { x: 1200, y: 480, contour: [], radiusPx: 40, positive: false, ringDab: 0.099, interiorDab: 0.199, perifascicular: false, target: 'fibre:1:0' },
    ]);
    // the correction targets of the cells: tile 0 holds three, tile 1 one
    expect(o.cells.tile).toEqual([0, 0, 0, 1]);
    expect(o.cells.location).toEqual(['endomysial', 'perimysial', 'perivascular', 'perivascular']);
    expect(o.cells.inFibre).toEqual([true, false, false, null]);
  });

  it('gives no MHC-I status (nor thresholds) to the fibres of a slide whose marker is not MHC-I', async () => {
    const o = (await get(`/analyses/${cd163Muscle.analysisId}/overlay`)).json();
    expect(o.fibres).toHaveLength(3);
    expect(o.fibres.map((f: { positive: unknown }) => f.positive)).toEqual([null, null, null]);
    expect(o.mhc1Thresholds).toBeUndefined();
    // the outlines themselves are as on the MHC-I slide
    expect(o.fibres[0]).toMatchObject({ x: 400, y: 200, radiusPx: 79.79 });
  });

  it('is 404 for an analysis that does not exist or has not finished', async () => {
    expect((await get('/analyses/9999/overlay')).json().message).toBe('analysis 9999 not found');
    const res = await get(`/analyses/${running}/overlay`);
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toBe(`analysis ${running} is running, not finished`);
  });
});

describe('quality control in the viewer data', () => {
  /** a CD3 slide at 0.25 µm/px analysed at 0.505 µm/px with QC: one tile whose 4 × 2 blocks of 16 px hold pen in blocks 1–2 and blur in block 2 */
  let qcSlide: { slideId: number; analysisId: number };
  let summary: QcSummary;
  beforeAll(async () => {
    const slideId = await api.store.upsertSlide({ ...slideInput('q', { patient: 'P2', timepoint: 'month-6', marker: 'CD3' }), mpp: 0.25 });
    const { analysisId } = await api.store.beginAnalysis(analysisInput(slideId, 1, { qc: { enabled: true } }));
    const t = tile(3, 2);
    summary = withHandmadeQc(t, 1024, 512);
    await api.store.saveTileResults(analysisId, [t]);
    await api.store.finishAnalysis(analysisId, scoresOf([t], 0.505), undefined, summary);
    qcSlide = { slideId, analysisId };
  });

  it('GET /slides carries the QC summary; slides analysed without QC carry null', async () => {
    const tree = (await get('/slides')).json();
    const slides = tree.patients.flatMap((p: { timepoints: { slides: { slideId: number; qc: unknown }[] }[] }) => p.timepoints.flatMap((t) => t.slides));
    expect(slides.find((s: { slideId: number }) => s.slideId === qcSlide.slideId).qc).toEqual(summary);
    expect(slides.find((s: { slideId: number }) => s.slideId === imaged.slideId).qc).toBeNull();
  });

  it('the overlay gives each excluded block in level-0 px (analysis px × 0.505 / 0.25) with its causes as bits', async () => {
    const o = (await get(`/analyses/${qcSlide.analysisId}/overlay`)).json();
    const s = 0.505 / 0.25;
    const r1 = (v: number) => Math.round(v * 10) / 10;
    // bits over causes [focus, fold, ice, pen, bubble]: pen = 8, focus + pen = 9
    expect(o.qc).toEqual({ blockPx: Math.round(16 * s * 100) / 100, causes: ['focus', 'fold', 'ice', 'pen', 'bubble'], blocks: [[r1(1040 * s), r1(512 * s), 8], [r1(1056 * s), r1(512 * s), 9]] });
    expect((await get(`/analyses/${imaged.latest}/overlay`)).json().qc).toBeUndefined();
  });
});
