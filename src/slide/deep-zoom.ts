import { LRUCache } from 'lru-cache';
import sharp from 'sharp';
import { rgbRaster, type RgbRaster } from '../image/raster.js';
import { finestSufficientLevel } from './choose-level.js';
import { openSlide, type OpenSlideMeta } from './open.js';
import type { Slide } from './types.js';

/**
 * Deep Zoom (DZI) tiles of a slide for OpenSeadragon. DZI level L is the slide scaled by
 * 2^(L − maxLevel), sizes rounded up, down to 1×1 at level 0; tiles are 254 px plus a 1 px
 * overlap on each inner side (the Deep Zoom Composer defaults that OpenSeadragon expects).
 *
 * Memory stays flat in slide size: a tile reads only its own rectangle from the finest pyramid
 * level that is at least as fine as the tile (in row bands when that rectangle is large), and
 * levels small enough to hold whole (≤ OVERVIEW_PIXELS) come from one streamed thumbnail.
 */
export const DZ_TILE_SIZE = 254;
export const DZ_OVERLAP = 1;
export const DZ_FORMAT = 'jpg';
const JPEG_QUALITY = 85;
/** DZI levels up to 2048² are cut from one whole-level image: a few reads instead of one per tile */
export const OVERVIEW_PIXELS = 2048 * 2048;
/** a tile's source rectangle is read in row bands of at most this many pixels (48 MB of RGB) */
const MAX_READ_PIXELS = 16e6;

export interface DeepZoomGeometry {
  /** level-0 size of the slide = size of the deepest DZI level */
  width: number;
  height: number;
  tileSize: number;
  overlap: number;
  /** ceil(log2(max(width, height))): the DZI level at full resolution */
  maxLevel: number;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function deepZoomGeometry(width: number, height: number): DeepZoomGeometry {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`deep zoom: slide size must be positive integers, got ${width}×${height}`);
  }
  return { width, height, tileSize: DZ_TILE_SIZE, overlap: DZ_OVERLAP, maxLevel: Math.ceil(Math.log2(Math.max(width, height))) };
}

/** level-0 pixels per pixel of a DZI level */
export function levelDownsample(g: DeepZoomGeometry, level: number): number {
  return 2 ** (g.maxLevel - level);
}

export function levelSize(g: DeepZoomGeometry, level: number): { width: number; height: number } {
  checkLevel(g, level);
  const ds = levelDownsample(g, level);
  return { width: Math.ceil(g.width / ds), height: Math.ceil(g.height / ds) };
}

export function tileCounts(g: DeepZoomGeometry, level: number): { cols: number; rows: number } {
  const s = levelSize(g, level);
  return { cols: Math.ceil(s.width / g.tileSize), rows: Math.ceil(s.height / g.tileSize) };
}

/** The rectangle of tile (col, row) in its level's pixels, overlap included, as OpenSeadragon's DziTileSource computes it. */
export function tileRect(g: DeepZoomGeometry, level: number, col: number, row: number): Rect {
  const size = levelSize(g, level);
  const { cols, rows } = tileCounts(g, level);
  if (!(Number.isInteger(col) && col >= 0 && col < cols)) throw new RangeError(`deep zoom: column ${col} is not in 0–${cols - 1} at level ${level}`);
  if (!(Number.isInteger(row) && row >= 0 && row < rows)) throw new RangeError(`deep zoom: row ${row} is not in 0–${rows - 1} at level ${level}`);
  const x = col === 0 ? 0 : col * g.tileSize - g.overlap;
  const y = row === 0 ? 0 : row * g.tileSize - g.overlap;
  const width = Math.min(g.tileSize + (col === 0 ? 1 : 2) * g.overlap, size.width - x);
  const height = Math.min(g.tileSize + (row === 0 ? 1 : 2) * g.overlap, size.height - y);
  return { x, y, width, height };
}

function checkLevel(g: DeepZoomGeometry, level: number): void {
  if (!(Number.isInteger(level) && level >= 0 && level <= g.maxLevel)) {
    throw new RangeError(`deep zoom: level ${level} is not in 0–${g.maxLevel}`);
  }
}

/** The .dzi descriptor (XML) OpenSeadragon reads before asking for tiles. */
export function dziXml(g: DeepZoomGeometry): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" TileSize="${g.tileSize}" Overlap="${g.overlap}" Format="${DZ_FORMAT}">` +
    `<Size Width="${g.width}" Height="${g.height}"/></Image>\n`
  );
}

/** Which slide to show: its file and level-0 µm/px (used only when the file states none). */
export interface DeepZoomSlide {
  path: string;
  mpp: number;
}

export interface DeepZoomOptions {
  /** bytes of encoded tiles kept (default 64 MB) */
  tileCacheBytes?: number;
  /** bytes of whole small levels kept (default 96 MB) */
  levelCacheBytes?: number;
  /** slides kept open (default 8) */
  openSlides?: number;
  /** how a slide file is opened (default openSlide) */
  open?: (path: string, meta: OpenSlideMeta) => Promise<Slide>;
}

const keyOf = (s: DeepZoomSlide) => `${s.path}\u0000${s.mpp}`;

/** Serves DZI descriptors and JPEG tiles of slides, with an LRU of recent tiles and open slides. */
export class DeepZoom {
  private readonly open: LRUCache<string, Slide, DeepZoomSlide>;
  private readonly tiles: LRUCache<string, Buffer, { slide: DeepZoomSlide; level: number; col: number; row: number }>;
  private readonly levels: LRUCache<string, RgbRaster, { slide: DeepZoomSlide; level: number }>;

  constructor(options: DeepZoomOptions = {}) {
    const open = options.open ?? openSlide;
    this.open = new LRUCache({
      max: options.openSlides ?? 8,
      fetchMethod: async (_key, _stale, { context }) => open(context.path, { mpp: context.mpp }),
      dispose: (slide) => void slide.close().catch(() => undefined),
    });
    // fetch() shares one render among concurrent requests for the same tile
    this.tiles = new LRUCache({
      maxSize: options.tileCacheBytes ?? 64 * 1024 * 1024,
      sizeCalculation: (b) => Math.max(1, b.length),
      fetchMethod: async (_key, _stale, { context }) => this.renderTile(context.slide, context.level, context.col, context.row),
    });
    this.levels = new LRUCache({
      maxSize: options.levelCacheBytes ?? 96 * 1024 * 1024,
      sizeCalculation: (r) => Math.max(1, r.data.length),
      fetchMethod: async (_key, _stale, { context }) => this.renderWholeLevel(context.slide, context.level),
    });
  }

  async geometry(s: DeepZoomSlide): Promise<DeepZoomGeometry> {
    const slide = await this.slide(s);
    return deepZoomGeometry(slide.levels[0].width, slide.levels[0].height);
  }

  /** The JPEG of one tile; throws RangeError naming the level, column or row when it does not exist. */
  async tile(s: DeepZoomSlide, level: number, col: number, row: number): Promise<Buffer> {
    tileRect(await this.geometry(s), level, col, row);
    const out = await this.tiles.fetch(`${keyOf(s)}\u0000${level}/${col}_${row}`, { context: { slide: s, level, col, row } });
    if (!out) throw new Error(`deep zoom: tile ${level}/${col}_${row} of ${s.path} was not rendered`);
    return out;
  }

  async close(): Promise<void> {
    this.tiles.clear();
    this.levels.clear();
    this.open.clear();
  }

  private async slide(s: DeepZoomSlide): Promise<Slide> {
    const slide = await this.open.fetch(keyOf(s), { context: s });
    if (!slide) throw new Error(`deep zoom: ${s.path} was not opened`);
    return slide;
  }

  /** The pixels of one tile before JPEG encoding (not cached; tile() caches the JPEG). */
  async tilePixels(s: DeepZoomSlide, level: number, col: number, row: number): Promise<RgbRaster> {
    const slide = await this.slide(s);
    const g = deepZoomGeometry(slide.levels[0].width, slide.levels[0].height);
    const rect = tileRect(g, level, col, row);
    const size = levelSize(g, level);
    if (size.width * size.height <= OVERVIEW_PIXELS) return cropRaster(await this.wholeLevel(s, level), rect);
    return readScaled(slide, levelDownsample(g, level), rect);
  }

  private async renderTile(s: DeepZoomSlide, level: number, col: number, row: number): Promise<Buffer> {
    const pixels = await this.tilePixels(s, level, col, row);
    return sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 3 } }).jpeg({ quality: JPEG_QUALITY }).toBuffer();
  }

  private async wholeLevel(s: DeepZoomSlide, level: number): Promise<RgbRaster> {
    const out = await this.levels.fetch(`${keyOf(s)}\u0000${level}`, { context: { slide: s, level } });
    if (!out) throw new Error(`deep zoom: level ${level} of ${s.path} was not rendered`);
    return out;
  }

  /**
   * The largest small level comes from the slide's streamed thumbnail; each smaller one is the
   * next larger one halved, so a whole pyramid of small levels costs one pass over the slide.
   */
  private async renderWholeLevel(s: DeepZoomSlide, level: number): Promise<RgbRaster> {
    const slide = await this.slide(s);
    const g = deepZoomGeometry(slide.levels[0].width, slide.levels[0].height);
    const size = levelSize(g, level);
    const larger = level < g.maxLevel ? levelSize(g, level + 1) : undefined;
    if (larger && larger.width * larger.height <= OVERVIEW_PIXELS) return resizeRaster(await this.wholeLevel(s, level + 1), size.width, size.height);
    const { raster } = await slide.readThumbnail(slide.levels[0].mpp * levelDownsample(g, level));
    return resizeRaster(raster, size.width, size.height);
  }
}

/**
 * `rect` of the slide scaled down by `ds` (level-0 px per output px), read from the finest pyramid
 * level that is at least as fine, in row bands so a non-pyramidal slide never reads more than
 * `maxReadPixels` at once (one output row at the least).
 */
export async function readScaled(slide: Slide, ds: number, rect: Rect, maxReadPixels = MAX_READ_PIXELS): Promise<RgbRaster> {
  const l0 = slide.levels[0];
  const src = slide.levels[finestSufficientLevel(slide.levels, l0.mpp * ds)];
  // output px → source-level px
  const f = ds / src.downsample;
  const out = rgbRaster(rect.width, rect.height);
  const rowsPerBand = Math.max(1, Math.floor(maxReadPixels / Math.max(1, Math.ceil(rect.width * f) * f)));
  for (let oy = 0; oy < rect.height; oy += rowsPerBand) {
    const bandRows = Math.min(rowsPerBand, rect.height - oy);
    const sx0 = Math.floor(rect.x * f);
    const sy0 = Math.floor((rect.y + oy) * f);
    const sx1 = Math.min(src.width, Math.max(sx0 + 1, Math.ceil((rect.x + rect.width) * f)));
    const sy1 = Math.min(src.height, Math.max(sy0 + 1, Math.ceil((rect.y + oy + bandRows) * f)));
    const region = await slide.readRegion(src.index, sx0, sy0, sx1 - sx0, sy1 - sy0);
    // libvips' level sizes round down, so the last source column may fall short of the output's; fill is its nearest edge
    const band = region.width === rect.width && region.height === bandRows ? region : await resizeRaster(region, rect.width, bandRows);
    out.data.set(band.data, oy * rect.width * 3);
  }
  return out;
}

function cropRaster(r: RgbRaster, rect: Rect): RgbRaster {
  const out = rgbRaster(rect.width, rect.height);
  const row = rect.width * 3;
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * r.width + rect.x) * 3;
    out.data.set(r.data.subarray(from, from + row), y * row);
  }
  return out;
}

async function resizeRaster(r: RgbRaster, width: number, height: number): Promise<RgbRaster> {
  if (r.width === width && r.height === height) return r;
  const { data, info } = await sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new Error(`deep zoom: resize gave ${info.width}×${info.height}×${info.channels}, expected ${width}×${height}×3`);
  }
  return rgbRaster(width, height, new Uint8Array(data.buffer, data.byteOffset, data.length));
}
