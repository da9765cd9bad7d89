import { afterAll, describe, expect, it } from 'vitest';
import { analyseSlide } from '../../src/pipeline/analyse-slide.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';
import { paramsForMarker } from '../../src/domain/marker.js';
import { openPgliteStore } from '../../src/store/pglite.js';
import { writeTiledTiff } from '../../src/slide/tiff-writer.js';
import { writeScannerSlide } from '../../src/synthetic/formats/index.js';
import { sceneSource } from '../../src/synthetic/render.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { tempDir } from '../slide/pattern.js';

/** Issue 11: every stored score carries the slide's format, the reader that opened it and the scanner vendor. */
const tmp = tempDir('reader-provenance');
afterAll(() => tmp.cleanup());

describe('slide reader provenance', () => {
  it('an NDPI and a TIFF analysed into the store: format, backend and vendor on the outcome and on every score row', async () => {
    const scene = makeScene({ seed: 72, width: 1024, height: 768 });
    const l0 = sceneSource(scene).region(0, 0, 1024, 768);
    const ndpi = tmp.file('scan.ndpi');
    const tif = tmp.file('scan.tif');
    await writeScannerSlide('ndpi', ndpi, [l0], { mpp: scene.mpp, quality: 95 });
    await writeTiledTiff(tif, [l0], { tileSize: 256, compression: 'jpeg', quality: 95, mpp: scene.mpp });
    const store = await openPgliteStore({ inMemory: true });
    const executor = inlineExecutor();
    try {
      const a = await analyseSlide({ path: ndpi, metadata: { patient: 'P01' }, params: paramsForMarker(undefined), executor, store });
      const b = await analyseSlide({ path: tif, metadata: { patient: 'P02' }, params: paramsForMarker(undefined), executor, store });
      if (!a.ok || !b.ok) throw new Error(`analysis failed: ${JSON.stringify([a, b].filter((o) => !o.ok))}`);
      expect([a.provenance.format, a.provenance.backend, a.provenance.vendor]).toEqual(['ndpi', 'openslide', 'Hamamatsu C13210']);
      expect([b.provenance.format, b.provenance.backend, b.provenance.vendor]).toEqual(['tiff', 'builtin', undefined]);
      const rows = await store.listScores();
      expect(rows.map((r) => [r.patient, r.format, r.backend, r.vendor])).toEqual([
        ['P01', 'ndpi', 'openslide', 'Hamamatsu C13210'],
        ['P02', 'tiff', 'builtin', null],
      ]);
    } finally {
      await executor.close();
      await store.close();
    }
  });
});
