import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { rgbRaster, type RgbRaster } from '../../src/image/raster.js';

/**
 * A smooth colour pattern with known values everywhere (JPEG keeps it within a few levels).
 * `ds` samples it at level-0 coordinates x·ds, so a reduced level has known values too.
 */
export function expected(x: number, y: number): [number, number, number] {
  return [
    Math.round(128 + 100 * Math.sin(x / 40)),
    Math.round(128 + 100 * Math.cos(y / 30)),
    Math.round(150 + 60 * Math.sin((x + y) / 50)),
  ];
}

export function pattern(width: number, height: number, ds = 1): RgbRaster {
  const r = rgbRaster(width, height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) r.data.set(expected(x * ds, y * ds), (y * width + x) * 3);
  }
  return r;
}

export function uniform(width: number, height: number, value: number): RgbRaster {
  return rgbRaster(width, height, new Uint8Array(width * height * 3).fill(value));
}

/** Largest and mean absolute difference between a region read at (x0, y0) of a level with downsample ds and the pattern. */
export function compareToPattern(region: RgbRaster, x0: number, y0: number, ds = 1): { max: number; mean: number } {
  let max = 0;
  let sum = 0;
  for (let y = 0; y < region.height; y++) {
    for (let x = 0; x < region.width; x++) {
      const want = expected((x0 + x) * ds, (y0 + y) * ds);
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(region.data[(y * region.width + x) * 3 + c] - want[c]);
        max = Math.max(max, d);
        sum += d;
      }
    }
  }
  return { max, mean: sum / (region.width * region.height * 3) };
}

export function rawSharp(r: RgbRaster): Sharp {
  return sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } });
}

export function tempDir(prefix: string): { dir: string; file(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `bq-${prefix}-`));
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Regions that matter: origin, an interior spot off the tile grid, the last partial tile, 1-px slivers. */
export function probes(width: number, height: number, interior = 0.13): [number, number, number, number][] {
  return [
    [0, 0, 64, 48],
    [Math.floor(width * 0.3), Math.floor(height * 0.3), Math.floor(width * interior), Math.floor(height * interior)],
    [width - 37, height - 13, 37, 13],
    [width - 1, 0, 1, height],
    [0, height - 1, width, 1],
  ];
}
