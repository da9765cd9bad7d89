import type { FileHandle } from 'node:fs/promises';
import { LRUCache } from 'lru-cache';
import { SlideFormatError } from '../../errors/index.js';
import { rgbRaster, type RgbRaster } from '../../image/raster.js';
import { decodeFrame } from './decode-frame.js';
import { frameLocator, type FrameLocator } from './frame-locator.js';
import type { WsiInstance } from './instance.js';

/** Glass where a TILED_SPARSE level has no frame (PS3.3 C.8.12.4.1.4: absent tiles are background). */
const BACKGROUND = 255;

/** Decoded frames shared by every level of one open slide, keyed `${level}:${frame}`. */
export type FrameCache = LRUCache<string, Uint8Array>;

/**
 * Bytes of decoded frames kept per open slide. Analysis tiles overlap their neighbours (and
 * deep-zoom tiles share frames), so a frame on a tile border is asked for two to four times; 48 MB
 * holds ~250 RGB frames of 256², a few rows of 1024-px analysis tiles of a typical section.
 * Each worker thread holds its own.
 */
export const DECODED_FRAME_CACHE_BYTES = 48 * 1024 * 1024;

export function frameCache(): FrameCache {
  return new LRUCache<string, Uint8Array>({ maxSize: DECODED_FRAME_CACHE_BYTES, sizeCalculation: (v) => v.length });
}

/** The frame index at each tile of a level's grid (row-major), -1 where a sparse level has none. */
/** tiles of one level: a 200 000² px level in 256² tiles has 610 000; 1×1 px tiles over 10¹⁰ px would be 40 GB of index */
const MAX_TILES_PER_LEVEL = 16 * 2 ** 20;

function tileMap(inst: WsiInstance, across: number, down: number): Int32Array {
  // checked before the map is allocated
  if (!inst.framePositions && inst.numberOfFrames < across * down) {
    // TILED_FULL: frames in row order; further focal planes / optical paths follow and are not read
    throw new SlideFormatError(`${inst.path}: TILED_FULL level of ${inst.totalColumns}×${inst.totalRows} in ${inst.columns}×${inst.rows} tiles needs ${across * down} frames, Number of Frames (0028,0008) is ${inst.numberOfFrames}; frames are missing`);
  }
  if (across * down > MAX_TILES_PER_LEVEL) {
    throw new SlideFormatError(`${inst.path}: a level of ${inst.totalColumns}×${inst.totalRows} in ${inst.columns}×${inst.rows} tiles has ${across * down} tiles, more than ${MAX_TILES_PER_LEVEL}; the tile size is corrupt`);
  }
  const map = new Int32Array(across * down);
  if (!inst.framePositions) {
    for (let i = 0; i < map.length; i++) map[i] = i;
    return map;
  }
  map.fill(-1);
  const pos = inst.framePositions;
  for (let f = 0; f < inst.numberOfFrames; f++) {
    const x = pos[2 * f];
    const y = pos[2 * f + 1];
    if (x % inst.columns !== 0 || y % inst.rows !== 0 || x < 0 || y < 0 || x >= inst.totalColumns || y >= inst.totalRows) {
      throw new SlideFormatError(`${inst.path}: frame ${f + 1} is positioned at (${x + 1}, ${y + 1}), not on the ${inst.columns}×${inst.rows} tile grid inside ${inst.totalColumns}×${inst.totalRows}`);
    }
    const t = (y / inst.rows) * across + x / inst.columns;
    // another focal plane or optical path of the same tile: the first one is read
    if (map[t] < 0) map[t] = f;
  }
  return map;
}

/** One pyramid level (one VOLUME instance): reads regions by decoding only the frames they touch. */
export class DicomLevel {
  readonly across: number;
  readonly down: number;
  private readonly tiles: Int32Array;

  private constructor(
    readonly index: number,
    readonly inst: WsiInstance,
    private readonly frames: FrameLocator,
    private readonly cache: FrameCache,
  ) {
    this.across = Math.ceil(inst.totalColumns / inst.columns);
    this.down = Math.ceil(inst.totalRows / inst.rows);
    this.tiles = tileMap(inst, this.across, this.down);
  }

  static async open(index: number, inst: WsiInstance, handle: FileHandle, cache: FrameCache): Promise<DicomLevel> {
    return new DicomLevel(index, inst, await frameLocator(inst, handle), cache);
  }

  private async frame(f: number): Promise<Uint8Array> {
    const key = `${this.index}:${f}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const rgb = await decodeFrame(this.inst, await this.frames.frameBytes(f), f);
    this.cache.set(key, rgb);
    return rgb;
  }

  /** [x, x+width) × [y, y+height) of this level; the caller has checked it lies inside. */
  async read(x: number, y: number, width: number, height: number): Promise<RgbRaster> {
    const { columns: tw, rows: th } = this.inst;
    const out = rgbRaster(width, height);
    const tx0 = Math.floor(x / tw);
    const ty0 = Math.floor(y / th);
    const tx1 = Math.floor((x + width - 1) / tw);
    const ty1 = Math.floor((y + height - 1) / th);
    const jobs: Promise<void>[] = [];
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const f = this.tiles[ty * this.across + tx];
        // intersection of the tile and the region, in level pixels
        const ix0 = Math.max(x, tx * tw);
        const iy0 = Math.max(y, ty * th);
        const ix1 = Math.min(x + width, (tx + 1) * tw);
        const iy1 = Math.min(y + height, (ty + 1) * th);
        const rowBytes = (ix1 - ix0) * 3;
        if (f < 0) {
          for (let yy = iy0; yy < iy1; yy++) out.data.fill(BACKGROUND, ((yy - y) * width + (ix0 - x)) * 3, ((yy - y) * width + (ix0 - x)) * 3 + rowBytes);
          continue;
        }
        jobs.push(
          this.frame(f).then((rgb) => {
            for (let yy = iy0; yy < iy1; yy++) {
              const from = ((yy - ty * th) * tw + (ix0 - tx * tw)) * 3;
              out.data.set(rgb.subarray(from, from + rowBytes), ((yy - y) * width + (ix0 - x)) * 3);
            }
          }),
        );
      }
    }
    await Promise.all(jobs);
    return out;
  }
}
