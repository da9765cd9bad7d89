/**
 * Writes a synthetic scene as a slide file in one of the formats the reader supports, with its
 * ground truth beside it (`<path>.truth.json`). sharp's formats are encoded from a streamed,
 * uncompressed strip TIFF (render-to-raw-tiff.ts); the TIFF writer's formats take level 0 tile
 * by tile straight from the scene. Either way memory stays flat however large the slide.
 */
import { basename } from 'node:path';
import { rm, writeFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { z } from 'zod';
import { rgbRaster, type RgbRaster } from '../image/raster.js';
import { writeTiledTiff, type TiffPage, type TileSource } from '../slide/tiff-writer.js';
import { renderToRawTiff } from './render-to-raw-tiff.js';
import { sceneSource, type RenderSource } from './render.js';
import type { Scene } from './scene.js';
import { aperioDescription, aperioLevelDescription, omeXml } from './slide-descriptions.js';
import { truthOf } from './truth-of.js';
import { plantedCountsOf } from './planted-counts.js';

export const SYNTHETIC_FORMATS = ['png', 'jpeg', 'tiff', 'tiled-tiff', 'bigtiff', 'pyramidal-tiff', 'svs', 'ome-tiff'] as const;
export type SyntheticFormat = (typeof SYNTHETIC_FORMATS)[number];

const TILE = 256;
const QUALITY = 90;

/** How the file is encoded: JPEG quality of every JPEG-compressed format (labs export at 70–90). */
export const WriteOptions = z.object({ quality: z.number().int().min(1).max(100).default(QUALITY) }).strict();
export type WriteOptionsInput = z.input<typeof WriteOptions>;
/** SVS levels shrink by 4 until the smallest fits in about one tile row */
const SVS_DOWNSAMPLE = 4;
const THUMBNAIL_MAX = 768;

/** The file extension a slide of `format` is written under (every TIFF kind: .tif). */
export function syntheticExtension(format: SyntheticFormat): string {
  return format === 'png' ? 'png' : format === 'jpeg' ? 'jpg' : format === 'svs' ? 'svs' : 'tif';
}

export function truthPathOf(slidePath: string): string {
  return `${slidePath}.truth.json`;
}

/**
 * `counts`: what the truth is counted into (plantedCountsOf(scene, { mask: true }) keeps the
 * planted tissue mask for the caller; complete once written, unless the format renders tiles).
 */
export async function writeSyntheticSlide(scene: Scene, path: string, format: SyntheticFormat, options: WriteOptionsInput = {}, counts = plantedCountsOf(scene)): Promise<void> {
  await writeRenderedSlide(sceneSource(scene, counts), path, format, () => truthOf(scene, counts), options);
}

/** Any renderable scene as a slide, with `truth()` written as `<path>.truth.json` after the image. */
export async function writeRenderedSlide(scene: RenderSource, path: string, format: SyntheticFormat, truth: () => unknown, options: WriteOptionsInput = {}): Promise<void> {
  if (!SYNTHETIC_FORMATS.includes(format)) throw new RangeError(`unknown synthetic slide format "${format}" for ${path}; one of ${SYNTHETIC_FORMATS.join(', ')}`);
  const parsed = WriteOptions.safeParse(options);
  if (!parsed.success) throw new RangeError(`synthetic slide write options are invalid for ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const { quality } = parsed.data;
  const temp: string[] = [];
  const raw = `${path}.${process.pid}.render.tif`;
  try {
    if (format !== 'ome-tiff') {
      temp.push(raw);
      await renderToRawTiff(scene, raw);
    }
    await encode(scene, raw, path, format, temp, quality);
    await writeFile(truthPathOf(path), JSON.stringify(truth()));
  } finally {
    await Promise.all(temp.map((t) => rm(t, { force: true })));
  }
}

function input(file: string): Sharp {
  return sharp(file, { limitInputPixels: false, sequentialRead: true });
}

async function encode(scene: RenderSource, raw: string, path: string, format: SyntheticFormat, temp: string[], quality: number): Promise<void> {
  const pxPerMm = 1000 / scene.mpp;
  const dpi = 25_400 / scene.mpp;
  const res = { xres: pxPerMm, yres: pxPerMm, resolutionUnit: 'cm' as const };
  const tiled = { tile: true, tileWidth: TILE, tileHeight: TILE, compression: 'jpeg' as const, quality };
  switch (format) {
    case 'png':
      // pHYs carries the pixel size
      await input(raw).withMetadata({ density: dpi }).png({ compressionLevel: 9, adaptiveFiltering: true }).toFile(path);
      return;
    case 'jpeg':
      // like a camera export: no trustworthy pixel size, the manifest supplies it
      await input(raw).jpeg({ quality }).toFile(path);
      return;
    case 'tiff':
      await input(raw).tiff({ compression: 'lzw', ...res }).toFile(path);
      return;
    case 'tiled-tiff':
      await input(raw).tiff({ ...tiled, ...res }).toFile(path);
      return;
    case 'bigtiff':
      await input(raw).tiff({ ...tiled, ...res, bigtiff: true }).toFile(path);
      return;
    case 'pyramidal-tiff':
      await input(raw).tiff({ ...tiled, ...res, pyramid: true }).toFile(path);
      return;
    case 'svs':
      await writeSvs(scene, raw, path, temp, quality);
      return;
    case 'ome-tiff':
      await writeTiledTiff(path, [sceneTiles(scene)], {
        tileSize: TILE,
        compression: 'jpeg',
        quality,
        mpp: scene.mpp,
        bigtiff: scene.width * scene.height * 3 > 2 ** 31,
        description: omeXml(scene.width, scene.height, scene.mpp, basename(path)),
      });
      return;
  }
}

/** Aperio layout: full level, strip thumbnail, then levels reduced 4× (Aperio's usual step). */
async function writeSvs(scene: RenderSource, raw: string, path: string, temp: string[], quality: number): Promise<void> {
  const { width, height, mpp } = scene;
  const pages: TiffPage[] = [{ image: sceneTiles(scene), description: aperioDescription(width, height, mpp, TILE, quality) }];

  const scale = Math.min(1, THUMBNAIL_MAX / Math.max(width, height));
  const tw = Math.max(1, Math.round(width * scale));
  const th = Math.max(1, Math.round(height * scale));
  const thumb = await input(raw).resize(tw, th, { fit: 'fill' }).raw().toBuffer();
  pages.push({ image: rgbRaster(tw, th, new Uint8Array(thumb.buffer, thumb.byteOffset, thumb.length)), layout: 'strip', subfileType: 0, description: `Aperio Image Library v12.0.15 \r\n${width}x${height} -> ${tw}x${th} - ` });

  let lw = width;
  let lh = height;
  let k = 0;
  while (Math.max(lw, lh) > 4 * TILE) {
    lw = Math.max(1, Math.floor(lw / SVS_DOWNSAMPLE));
    lh = Math.max(1, Math.floor(lh / SVS_DOWNSAMPLE));
    const level = `${path}.${process.pid}.level${++k}.v`;
    temp.push(level);
    // each reduced level from the full one, so resampling error does not compound
    await input(raw).resize(lw, lh, { fit: 'fill', kernel: 'cubic' }).toFile(level);
    pages.push({ image: vipsTiles(level, lw, lh), description: aperioLevelDescription(width, height, lw, lh, TILE, quality) });
  }
  await writeTiledTiff(path, pages, { tileSize: TILE, compression: 'jpeg', quality, mpp, bigtiff: width * height * 3 > 2 ** 31 });
}

/** Level 0 rendered tile by tile as the TIFF writer asks (region independence makes the tiles seamless). */
function sceneTiles(scene: RenderSource): TileSource {
  const scratch = scene.scratch(TILE, TILE);
  return {
    width: scene.width,
    height: scene.height,
    // a fresh raster per tile: the writer encodes a whole tile row before writing it
    region: (x, y, w, h) => scene.region(x, y, w, h, scratch),
  };
}

/** Reads tiles of a reduced level out of a mapped `.v` file (1/16 of level 0 or less) on demand. */
function vipsTiles(vipsPath: string, width: number, height: number): TileSource {
  return {
    width,
    height,
    async region(x: number, y: number, w: number, h: number): Promise<RgbRaster> {
      const buf = await sharp(vipsPath, { limitInputPixels: false }).extract({ left: x, top: y, width: w, height: h }).raw().toBuffer();
      return rgbRaster(w, h, new Uint8Array(buf.buffer, buf.byteOffset, buf.length));
    },
  };
}
