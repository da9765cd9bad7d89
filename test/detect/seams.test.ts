import { describe, expect, it } from 'vitest';
import type { Detection, TileSpec } from '../../src/domain/detection.js';
import { resolveParams } from '../../src/domain/params.js';
import { TileAnalyser } from '../../src/pipeline/analyse-tile.js';
import { rgbRaster, type RgbRaster } from '../../src/image/raster.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';
import { makeScene, renderRegion } from '../../src/synthetic/index.js';

const W = 1536;
const H = 1024;
// one tile alone, no slide plan to give QC its references: the detector without QC
const params = resolveParams({ qc: { enabled: false } });
const overlap = Math.round(params.overlapUm / 0.5);

function crop(src: RgbRaster, x0: number, y0: number, x1: number, y1: number): RgbRaster {
  const out = rgbRaster(x1 - x0, y1 - y0);
  for (let y = y0; y < y1; y++) out.data.set(src.data.subarray((y * src.width + x0) * 3, (y * src.width + x1) * 3), (y - y0) * out.width * 3);
  return out;
}

function grid(size: number): TileSpec[] {
  const tiles: TileSpec[] = [];
  for (let y = 0; y < H; y += size) {
    for (let x = 0; x < W; x += size) {
      const core = { x0: x, y0: y, x1: Math.min(W, x + size), y1: Math.min(H, y + size) };
      const read = { x0: Math.max(0, x - overlap), y0: Math.max(0, y - overlap), x1: Math.min(W, core.x1 + overlap), y1: Math.min(H, core.y1 + overlap) };
      tiles.push({ id: tiles.length, read, core });
    }
  }
  return tiles;
}

describe('tiling seams', () => {
  it('finds the same cells whatever the tile size; no centroid counted twice', () => {
    const scene = makeScene({ seed: 4, width: W, height: H });
    const rgb = renderRegion(scene, 0, 0, W, H);
    const analyser = new TileAnalyser();
    const run = (size: number) => {
      const dets: Detection[] = [];
      let tissue = 0;
      for (const t of grid(size)) {
        const r = analyser.analyse(crop(rgb, t.read.x0, t.read.y0, t.read.x1, t.read.y1), t, { mpp: scene.mpp, stain: HDAB_DEFAULT, params });
        dets.push(...r.detections);
        tissue += r.tissuePixels;
      }
      return { dets, tissue };
    };
    const whole = run(2048); // one tile holds the whole image
    const key = (d: Detection) => `${d.x.toFixed(3)},${d.y.toFixed(3)}`;
    const ref = new Set(whole.dets.map(key));
    for (const size of [512, 1024]) {
      const { dets, tissue } = run(size);
      expect(tissue).toBe(whole.tissue);
      expect(Math.abs(dets.length - whole.dets.length) / whole.dets.length).toBeLessThanOrEqual(0.005);
      // No two detections closer than 2 µm: a cell on a seam is never kept by both tiles.
      const sorted = [...dets].sort((a, b) => a.x - b.x);
      for (let i = 0; i < sorted.length; i++) {
        for (let j = i + 1; j < sorted.length && sorted[j].x - sorted[i].x < 2; j++) {
          expect(Math.hypot(sorted[j].x - sorted[i].x, sorted[j].y - sorted[i].y)).toBeGreaterThan(2);
        }
      }
      // Nearly every detection is bit-identical to the whole-image one (overlap covers a cell).
      const same = dets.filter((d) => ref.has(key(d))).length;
      console.log(`tile ${size}: ${dets.length} cells vs ${whole.dets.length} whole, ${same} identical centroids`);
      expect(same / whole.dets.length).toBeGreaterThanOrEqual(0.99);
    }
  });
});
