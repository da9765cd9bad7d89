import { readFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paramsForMarker } from '../../src/domain/marker.js';
import { rgbRaster, type RgbRaster } from '../../src/image/raster.js';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import { openSlide } from '../../src/slide/open.js';
import { writeTiledTiff } from '../../src/slide/tiff-writer.js';
import { dicomPyramid, writeDicomWsi } from '../../src/synthetic/formats/dicom-wsi-writer.js';
import { writeScannerSlide } from '../../src/synthetic/formats/index.js';
import { sceneSource } from '../../src/synthetic/render.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { aperioDescription } from '../../src/synthetic/slide-descriptions.js';
import { bearer, openApi, type Api } from './setup.js';

/**
 * Issue 11 privacy: label, macro and thumbnail images often show the patient's name or hospital
 * number. Here they are flat magenta, a colour no H-DAB section has; the slides (SVS with label,
 * macro and thumbnail pages; NDPI with a macro; MRXS with label and macro; a DICOM WSI series, a
 * folder, with LABEL and OVERVIEW instances) are analysed into the store, then every Deep Zoom tile of every level, the viewer's JSON, the exports and every stored
 * row are searched for it.
 */
const MAGENTA: [number, number, number] = [250, 20, 200];
let api: Api;
const slides: { name: string; file: string; associated: string[] }[] = [];

function flat(width: number, height: number): RgbRaster {
  const r = rgbRaster(width, height);
  for (let i = 0; i < width * height; i++) r.data.set(MAGENTA, i * 3);
  return r;
}

/** pixels within 40 levels of magenta in every channel (JPEG keeps a flat patch far closer) */
function magentaPixels(rgb: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < rgb.length; i += 3) if (Math.abs(rgb[i] - MAGENTA[0]) < 40 && Math.abs(rgb[i + 1] - MAGENTA[1]) < 40 && Math.abs(rgb[i + 2] - MAGENTA[2]) < 40) n++;
  return n;
}

beforeAll(async () => {
  api = await openApi();
  const scene = makeScene({ seed: 73, width: 1024, height: 768 });
  const l0 = sceneSource(scene).region(0, 0, 1024, 768);
  expect(magentaPixels(l0.data)).toBe(0);
  expect(magentaPixels(flat(4, 4).data)).toBe(16);
  const svs = path.join(api.root, 'case.svs');
  await writeTiledTiff(
    svs,
    [
      { image: l0 },
      { image: flat(128, 96), layout: 'strip', description: 'Aperio Image Library v12.0.15 thumbnail' },
      { image: flat(200, 120), layout: 'strip', description: 'Aperio Image Library v12.0.15\r\nlabel 200x120', subfileType: 1 },
      { image: flat(400, 150), layout: 'strip', description: 'Aperio Image Library v12.0.15\r\nmacro 400x150', subfileType: 9 },
    ],
    { tileSize: 256, compression: 'jpeg', quality: 90, mpp: scene.mpp, description: aperioDescription(1024, 768, scene.mpp, 256, 90) },
  );
  slides.push({ name: 'svs', file: svs, associated: ['label', 'macro', 'thumbnail'] });
  for (const format of ['ndpi', 'mrxs'] as const) {
    const file = path.join(api.root, `case.${format}`);
    await writeScannerSlide(format, file, [l0], { mpp: scene.mpp, associatedColour: MAGENTA });
    slides.push({ name: format, file, associated: format === 'ndpi' ? ['macro'] : ['label', 'macro'] });
  }
  const series = path.join(api.root, 'case-dicom');
  await writeDicomWsi(series, await dicomPyramid(l0, 256), { mpp: scene.mpp, label: 'image', overview: true, associatedColour: MAGENTA });
  slides.push({ name: 'dicom', file: series, associated: ['label', 'macro'] });
  const executor = inlineExecutor();
  try {
    for (const [i, s] of slides.entries()) {
      const o = await analyseSlide({ path: s.file, metadata: { patient: `P0${i + 1}`, marker: 'CD3' }, params: paramsForMarker('CD3'), executor, store: api.store });
      if (!o.ok) throw new Error(o.error);
    }
  } finally {
    await executor.close();
  }
}, 300_000);
afterAll(() => api?.close());

const get = (url: string) => api.app.inject({ method: 'GET', url, headers: bearer(api.token.reader) });

describe('label, macro and thumbnail never leave the process', () => {
  it('each slide names its associated images, and the reader has no way to read their pixels', async () => {
    for (const s of slides) {
      const slide = await openSlide(s.file);
      expect([...slide.associatedImages].sort(), s.name).toEqual(s.associated);
      // the Slide interface reads levels only: no associated-image reader exists to call
      expect(Object.keys(slide).filter((k) => /associated|label|macro/i.test(k))).toEqual(['associatedImages']);
      await slide.close();
    }
    // the tell-tale colour is really there: the DICOM LABEL and OVERVIEW frames decode to magenta
    for (const name of ['label.dcm', 'overview.dcm']) {
      const bytes = await readFile(path.join(slides.find((s) => s.name === 'dicom')!.file, name));
      const start = bytes.indexOf(Buffer.from([0xff, 0xd8, 0xff]));
      const { data, info } = await sharp(bytes.subarray(start, bytes.lastIndexOf(Buffer.from([0xff, 0xd9])) + 2)).raw().toBuffer({ resolveWithObject: true });
      expect(magentaPixels(new Uint8Array(data)), name).toBe(info.width * info.height);
    }
  });

  it('every Deep Zoom tile of every level of every slide is free of the label colour', async () => {
    const tree = (await get('/slides')).json() as { patients: { timepoints: { slides: { slideId: number; name: string }[] }[] }[] };
    const ids = tree.patients.flatMap((p) => p.timepoints.flatMap((t) => t.slides.map((s) => s.slideId)));
    expect(ids).toHaveLength(slides.length);
    for (const id of ids) {
      const dzi = (await get(`/slides/${id}/dzi`)).body;
      // the descriptor is the scan's size, never a label's
      expect(dzi).toMatch(/Width="1024" Height="768"/);
      let tiles = 0;
      for (let level = 0; level <= 10; level++) {
        const scale = 2 ** (10 - level);
        const cols = Math.ceil(Math.ceil(1024 / scale) / 254);
        const rows = Math.ceil(Math.ceil(768 / scale) / 254);
        for (let c = 0; c < cols; c++) {
          for (let r = 0; r < rows; r++) {
            const res = await get(`/slides/${id}/tiles/${level}/${c}_${r}.jpg`);
            expect(res.statusCode, `slide ${id} tile ${level}/${c}_${r}`).toBe(200);
            const { data } = await sharp(res.rawPayload).removeAlpha().raw().toBuffer({ resolveWithObject: true });
            expect(magentaPixels(new Uint8Array(data)), `slide ${id} tile ${level}/${c}_${r}`).toBe(0);
            tiles++;
          }
        }
      }
      expect(tiles).toBeGreaterThan(12);
    }
  });

  it('the viewer JSON, the exports and every stored row carry no image data', async () => {
    const tree = (await get('/slides')).json() as { patients: { timepoints: { slides: { analysisId: number }[] }[] }[] };
    const analyses = tree.patients.flatMap((p) => p.timepoints.flatMap((t) => t.slides.map((s) => s.analysisId)));
    const bodies = [
      (await get('/slides')).body,
      (await get('/export')).body,
      (await get('/export?format=csv')).body,
      ...(await Promise.all(analyses.flatMap((a) => [get(`/analyses/${a}/overlay`), get(`/analyses/${a}/geojson`)]))).map((r) => r.body),
    ];
    const { rows: tables } = await api.store.executor.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
    );
    for (const { table_name } of tables) {
      const { rows } = await api.store.executor.query<{ row: unknown }>(`SELECT row_to_json(t) AS row FROM "${table_name}" t`);
      bodies.push(JSON.stringify(rows));
    }
    expect(bodies.length).toBeGreaterThan(10);
    for (const body of bodies) {
      // a JPEG or PNG, raw, hex or base64, or a data URL
      expect(body).not.toMatch(/\/9j\/|iVBORw0KGgo|ffd8ff|\\xffd8|data:image/i);
      expect(body.includes('\u00ff\u00d8\u00ff')).toBe(false);
      // nor the DICOM headers' (fictional) patient name, hospital number or accession number
      expect(body).not.toMatch(/DOE\^JANE|HOSP-123456|ACC-987/);
    }
  });
});
