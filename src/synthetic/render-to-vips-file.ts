/**
 * Streams a whole scene, band by band, into an uncompressed libvips `.v` file. libvips maps such
 * a file instead of reading it, so sharp can then encode any format from it (pyramids included)
 * with memory that does not grow with slide size. sharp's own raw *stream* input would buffer
 * the entire image first, which is why this detour exists.
 */
import { open } from 'node:fs/promises';
import { rgbRaster } from '../raster.js';
import { renderRegion, renderScratch } from './render.js';
import type { Scene } from './scene.js';

/** pixels rendered per band: big enough to amortise the blur margin, small enough to stay flat */
const BAND_PIXELS = 1 << 22;

/** The 64-byte header of a libvips native image: 8-bit sRGB, 3 bands, resolution in px/mm. */
export function vipsHeader(width: number, height: number, pixelsPerMm: number): Buffer {
  const b = Buffer.alloc(64);
  // magic as libvips writes it on little-endian machines; the fields after it are little-endian
  b.set([0xb6, 0xa6, 0xf2, 0x08], 0);
  b.writeInt32LE(width, 4);
  b.writeInt32LE(height, 8);
  b.writeInt32LE(3, 12); // bands
  b.writeInt32LE(8, 16); // bits per band (informational)
  b.writeInt32LE(0, 20); // band format: unsigned char
  b.writeInt32LE(0, 24); // coding: none
  b.writeInt32LE(22, 28); // interpretation: sRGB
  b.writeFloatLE(pixelsPerMm, 32);
  b.writeFloatLE(pixelsPerMm, 36);
  return b;
}

export async function renderToVipsFile(scene: Scene, path: string, onProgress?: (rowsDone: number) => void): Promise<void> {
  const { width, height } = scene;
  const bandRows = Math.max(8, Math.min(height, Math.floor(BAND_PIXELS / width)));
  const scratch = renderScratch(width, bandRows, scene);
  const band = rgbRaster(width, bandRows);
  const file = await open(path, 'w');
  try {
    await file.write(vipsHeader(width, height, 1000 / scene.mpp));
    for (let y0 = 0; y0 < height; y0 += bandRows) {
      const rows = Math.min(bandRows, height - y0);
      const out = rows === bandRows ? band : rgbRaster(width, rows);
      renderRegion(scene, 0, y0, width, rows, scratch, out);
      await file.write(out.data, 0, width * rows * 3);
      onProgress?.(y0 + rows);
    }
  } finally {
    await file.close();
  }
}
