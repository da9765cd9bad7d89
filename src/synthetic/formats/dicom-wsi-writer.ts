/**
 * Writes a DICOM WSI series (PS3.3 A.32.8, VL Whole Slide Microscopy) from RGB rasters, the way
 * scanners and converters export them: one Part-10 file per pyramid level (VOLUME), optionally a
 * LABEL and an OVERVIEW instance. Frames are JPEG baseline (the TIFF writer's JPEG tiles, byte for
 * byte), lossless JPEG 2000 or HTJ2K (cornerstone wasm encoders) or uncompressed; TILED_FULL or
 * TILED_SPARSE; with a Basic, an Extended or no offset table. A level is encoded in memory: this
 * is for test slides, not gigapixel ones.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { z } from 'zod';
import { rgbRaster, type RgbRaster } from '../../image/raster.js';
import { encodeJpegTile, padTile, regionOf } from '../../slide/tiff-writer.js';
import { WSI_SOP_CLASS } from '../../slide/dicom/dicom-uids.js';
import { loadOpenJpeg, loadOpenJph, wasmEncode } from '../../slide/dicom/wasm-codecs.js';
import { encapsulatedPixelData, encodeElement, newUid, part10, type DicomElement } from './dicom-part10.js';

export const DICOM_WSI_CODECS = ['jpeg', 'j2k', 'htj2k', 'native'] as const;
export type DicomWsiCodec = (typeof DICOM_WSI_CODECS)[number];

const SYNTAX: Record<DicomWsiCodec, { uid: string; photometric: string; lossy: boolean }> = {
  jpeg: { uid: '1.2.840.10008.1.2.4.50', photometric: 'YBR_FULL_422', lossy: true },
  // lossless with the reversible colour transform: YBR_RCT (PS3.5 §8.2.4)
  j2k: { uid: '1.2.840.10008.1.2.4.90', photometric: 'YBR_RCT', lossy: false },
  htj2k: { uid: '1.2.840.10008.1.2.4.201', photometric: 'YBR_RCT', lossy: false },
  native: { uid: '1.2.840.10008.1.2.1', photometric: 'RGB', lossy: false },
};

export const DicomWsiOptions = z
  .object({
    /** µm/px of level 0 */
    mpp: z.number().positive().max(100),
    tileSize: z.number().int().min(16).max(4096).default(256),
    codec: z.enum(DICOM_WSI_CODECS).default('jpeg'),
    quality: z.number().int().min(1).max(100).default(90),
    organisation: z.enum(['TILED_FULL', 'TILED_SPARSE']).default('TILED_FULL'),
    offsetTable: z.enum(['basic', 'extended', 'none']).default('basic'),
    /** write a LABEL instance; 'garbage' makes its one frame random bytes (it must never be decoded) */
    label: z.enum(['none', 'image', 'garbage']).default('image'),
    overview: z.boolean().default(false),
    /** the flat colour of the LABEL and OVERVIEW pixels: a tell-tale one lets privacy tests find any leak */
    associatedColour: z.tuple([z.number().int().min(0).max(255), z.number().int().min(0).max(255), z.number().int().min(0).max(255)]).default([200, 200, 200]),
    manufacturer: z.string().default('BiopsyQuant Synthetic'),
    model: z.string().default('DICOM WSI writer'),
    objectivePower: z.number().positive().optional(),
  })
  .strict();
export type DicomWsiOptionsInput = z.input<typeof DicomWsiOptions>;

/** Deliberate damage for bad-input tests. */
export interface DicomWsiTamper {
  /** Number of Frames states this many more frames than are written (on every level) */
  extraFrames?: number;
  /** the Pixel Spacing (µm/px) written for a level, instead of the true one */
  levelMpp?: (level: number, mpp: number) => number;
  sopClass?: string;
}

/** Sparse levels leave out tiles where this returns true (e.g. all glass). */
export type OmitTile = (level: number, tx: number, ty: number, tile: RgbRaster) => boolean;

/** Level 0 and its reductions by 2 (libvips cubic from level 0, as the SVS writer does) until the smallest fits in a tile. */
export async function dicomPyramid(level0: RgbRaster, tileSize: number): Promise<RgbRaster[]> {
  const levels = [level0];
  let w = level0.width;
  let h = level0.height;
  while (Math.max(w, h) > tileSize) {
    w = Math.max(1, Math.floor(w / 2));
    h = Math.max(1, Math.floor(h / 2));
    const data = await sharp(level0.data, { raw: { width: level0.width, height: level0.height, channels: 3 } }).resize(w, h, { fit: 'fill', kernel: 'cubic' }).raw().toBuffer();
    levels.push(rgbRaster(w, h, new Uint8Array(data.buffer, data.byteOffset, data.length)));
  }
  return levels;
}

async function encodeFrame(codec: DicomWsiCodec, pixels: Uint8Array, size: number, quality: number): Promise<Uint8Array> {
  const info = { width: size, height: size, bitsPerSample: 8, componentCount: 3, isSigned: false, isUsingColorTransform: true };
  switch (codec) {
    case 'jpeg':
      return encodeJpegTile(pixels, size, size, quality);
    case 'j2k':
      return wasmEncode(new (await loadOpenJpeg()).J2KEncoder(), pixels, info, true, 0);
    case 'htj2k':
      return wasmEncode(new (await loadOpenJph()).HTJ2KEncoder(), pixels, info, true, 0);
    case 'native':
      return pixels;
  }
}

const code = (value: string, scheme: string, meaning: string): DicomElement[] => [
  { tag: 0x00080100, vr: 'SH', value },
  { tag: 0x00080102, vr: 'SH', value: scheme },
  { tag: 0x00080104, vr: 'LO', value: meaning },
];

interface SeriesIds {
  study: string;
  series: string;
  frameOfReference: string;
}

/** Attributes shared by every instance of the series: patient (fictional), study, equipment, specimen, optical path. */
function commonElements(o: z.output<typeof DicomWsiOptions>, ids: SeriesIds): DicomElement[] {
  const optical: DicomElement[] = [
    { tag: 0x00480106, vr: 'SH', value: '1' },
    { tag: 0x00480107, vr: 'ST', value: 'Brightfield, full spectrum' },
    { tag: 0x00220016, vr: 'SQ', value: [code('111744', 'DCM', 'Brightfield illumination')] },
    { tag: 0x00480108, vr: 'SQ', value: [code('414298005', 'SCT', 'Full Spectrum')] },
  ];
  if (o.objectivePower !== undefined) optical.push({ tag: 0x00480112, vr: 'DS', value: String(o.objectivePower) }, { tag: 0x00480113, vr: 'DS', value: '0.75' });
  const stain = (meaning: string): DicomElement[] => [
    { tag: 0x0040a040, vr: 'CS', value: 'CODE' },
    { tag: 0x0040a043, vr: 'SQ', value: [code('424361007', 'SCT', 'Using substance')] },
    { tag: 0x0040a168, vr: 'SQ', value: [code('12710003', 'SCT', meaning)] },
  ];
  return [
    { tag: 0x00080060, vr: 'CS', value: 'SM' },
    { tag: 0x00080070, vr: 'LO', value: o.manufacturer },
    { tag: 0x00081090, vr: 'LO', value: o.model },
    // a fictional patient: properties must never carry these
    { tag: 0x00100010, vr: 'PN', value: 'DOE^JANE' },
    { tag: 0x00100020, vr: 'LO', value: 'HOSP-123456' },
    { tag: 0x00080050, vr: 'SH', value: 'ACC-987' },
    { tag: 0x0020000d, vr: 'UI', value: ids.study },
    { tag: 0x0020000e, vr: 'UI', value: ids.series },
    { tag: 0x00200052, vr: 'UI', value: ids.frameOfReference },
    { tag: 0x00400512, vr: 'LO', value: 'S26-0042-A1' },
    {
      tag: 0x00400560,
      vr: 'SQ',
      value: [[
        { tag: 0x00400551, vr: 'LO', value: 'S26-0042-A1' },
        { tag: 0x00400554, vr: 'UI', value: newUid() },
        { tag: 0x00400600, vr: 'LO', value: 'Skeletal muscle biopsy, IHC H-DAB' },
        { tag: 0x00082228, vr: 'SQ', value: [code('127954009', 'SCT', 'Skeletal muscle')] },
        { tag: 0x00400610, vr: 'SQ', value: [[{ tag: 0x00400612, vr: 'SQ', value: [stain('hematoxylin stain'), stain('3,3-diaminobenzidine')] }]] },
      ]],
    },
    { tag: 0x00480105, vr: 'SQ', value: [optical] },
    { tag: 0x00480302, vr: 'UL', value: 1 },
  ];
}

/** The image attributes of one instance of `width` × `height` in `tile`-sized frames. */
function imageElements(flavor: string, sopInstance: string, number: number, sopClass: string, width: number, height: number, tile: number, frames: number, photometric: string, lossy: boolean): DicomElement[] {
  return [
    { tag: 0x00080008, vr: 'CS', value: ['DERIVED', 'PRIMARY', flavor, 'NONE'] },
    { tag: 0x00080016, vr: 'UI', value: sopClass },
    { tag: 0x00080018, vr: 'UI', value: sopInstance },
    { tag: 0x00200013, vr: 'IS', value: String(number) },
    { tag: 0x00280002, vr: 'US', value: 3 },
    { tag: 0x00280004, vr: 'CS', value: photometric },
    { tag: 0x00280006, vr: 'US', value: 0 },
    { tag: 0x00280008, vr: 'IS', value: String(frames) },
    { tag: 0x00280010, vr: 'US', value: tile },
    { tag: 0x00280011, vr: 'US', value: tile },
    { tag: 0x00280100, vr: 'US', value: 8 },
    { tag: 0x00280101, vr: 'US', value: 8 },
    { tag: 0x00280102, vr: 'US', value: 7 },
    { tag: 0x00280103, vr: 'US', value: 0 },
    { tag: 0x00282110, vr: 'CS', value: lossy ? '01' : '00' },
    { tag: 0x00480006, vr: 'UL', value: width },
    { tag: 0x00480007, vr: 'UL', value: height },
    { tag: 0x00480303, vr: 'UL', value: 1 },
  ];
}

function flatPixels(count: number, [r, g, b]: [number, number, number]): Uint8Array {
  const out = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) out.set([r, g, b], i * 3);
  return out;
}

/** Pixel data element bytes, plus the Extended Offset Table elements when asked for. */
function pixelDataOf(frames: Uint8Array[], codec: DicomWsiCodec, offsetTable: 'basic' | 'extended' | 'none'): { eot: DicomElement[]; bytes: Buffer } {
  if (codec === 'native') {
    const all = Buffer.concat(frames.map((f) => Buffer.from(f.buffer, f.byteOffset, f.length)));
    return { eot: [], bytes: encodeElement({ tag: 0x7fe00010, vr: 'OB', value: all }) };
  }
  const enc = encapsulatedPixelData(frames, offsetTable === 'basic');
  if (offsetTable !== 'extended') return { eot: [], bytes: enc.bytes };
  const ov = (values: number[]): Uint8Array => {
    const b = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), i * 8));
    return b;
  };
  return { eot: [{ tag: 0x7fe00001, vr: 'OV', value: ov(enc.frameOffsets) }, { tag: 0x7fe00002, vr: 'OV', value: ov(enc.frameLengths) }], bytes: enc.bytes };
}

/**
 * Write `levels` (finest first; each a whole-slide image at a coarser pixel size) as a DICOM WSI
 * series into folder `dir`: `level-<i>.dcm`, `label.dcm`, `overview.dcm`. Returns the files written.
 */
export async function writeDicomWsi(dir: string, levels: RgbRaster[], options: DicomWsiOptionsInput, tamper: DicomWsiTamper = {}, omitTile?: OmitTile): Promise<string[]> {
  const parsed = DicomWsiOptions.safeParse(options);
  if (!parsed.success) throw new RangeError(`DICOM WSI write options are invalid for ${dir}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const o = parsed.data;
  if (levels.length === 0) throw new RangeError(`writeDicomWsi needs at least one level for ${dir}`);
  await mkdir(dir, { recursive: true });
  const ids: SeriesIds = { study: newUid(), series: newUid(), frameOfReference: newUid() };
  const common = commonElements(o, ids);
  const sopClass = tamper.sopClass ?? WSI_SOP_CLASS;
  const syntax = SYNTAX[o.codec];
  const files: string[] = [];
  const size = o.tileSize;

  for (let k = 0; k < levels.length; k++) {
    const image = levels[k];
    const across = Math.ceil(image.width / size);
    const down = Math.ceil(image.height / size);
    const frames: Uint8Array[] = [];
    const positions: [number, number][] = [];
    for (let ty = 0; ty < down; ty++) {
      for (let tx = 0; tx < across; tx++) {
        const x = tx * size;
        const y = ty * size;
        const tile = await regionOf(image, x, y, Math.min(size, image.width - x), Math.min(size, image.height - y));
        if (o.organisation === 'TILED_SPARSE' && omitTile?.(k, tx, ty, tile)) continue;
        frames.push(await encodeFrame(o.codec, padTile(tile, size), size, o.quality));
        positions.push([x + 1, y + 1]);
      }
    }
    const mpp = o.mpp * (levels[0].width / image.width);
    const statedMpp = tamper.levelMpp?.(k, mpp) ?? mpp;
    const spacingMm = (statedMpp / 1000).toPrecision(10);
    const sopInstance = newUid();
    const elements: DicomElement[] = [
      ...common,
      ...imageElements('VOLUME', sopInstance, k + 1, sopClass, image.width, image.height, size, frames.length + (tamper.extraFrames ?? 0), syntax.photometric, syntax.lossy),
      { tag: 0x00209311, vr: 'CS', value: o.organisation },
      { tag: 0x00480001, vr: 'FL', value: (image.width * statedMpp) / 1000 },
      { tag: 0x00480002, vr: 'FL', value: (image.height * statedMpp) / 1000 },
      { tag: 0x52009229, vr: 'SQ', value: [[{ tag: 0x00289110, vr: 'SQ', value: [[{ tag: 0x00280030, vr: 'DS', value: [spacingMm, spacingMm] }, { tag: 0x00180050, vr: 'DS', value: '0.004' }]] }]] },
    ];
    if (o.organisation === 'TILED_SPARSE') {
      elements.push({
        tag: 0x52009230,
        vr: 'SQ',
        value: positions.map(([col, row]) => [
          { tag: 0x0048021a, vr: 'SQ', value: [[
            { tag: 0x0040072a, vr: 'DS', value: ((col - 1) * statedMpp / 1000).toFixed(6) },
            { tag: 0x0040073a, vr: 'DS', value: ((row - 1) * statedMpp / 1000).toFixed(6) },
            { tag: 0x0040074a, vr: 'DS', value: '0' },
            { tag: 0x0048021e, vr: 'SL', value: col },
            { tag: 0x0048021f, vr: 'SL', value: row },
          ]] },
        ]),
      });
    }
    const pixels = pixelDataOf(frames, o.codec, o.offsetTable);
    elements.push(...pixels.eot);
    const file = join(dir, `level-${k}.dcm`);
    await writeFile(file, part10({ sopClass, sopInstance, transferSyntax: syntax.uid }, elements, pixels.bytes));
    files.push(file);
  }

  const associated: { name: string; flavor: string; garbage: boolean }[] = [];
  if (o.label !== 'none') associated.push({ name: 'label', flavor: 'LABEL', garbage: o.label === 'garbage' });
  if (o.overview) associated.push({ name: 'overview', flavor: 'OVERVIEW', garbage: false });
  for (const a of associated) {
    const side = 64;
    const pixels = a.garbage ? Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919 + 13) & 255) : await encodeJpegTile(flatPixels(side * side, o.associatedColour), side, side, 90);
    const sopInstance = newUid();
    const elements = [...common, ...imageElements(a.flavor, sopInstance, 100 + files.length, sopClass, side, side, side, 1, 'YBR_FULL_422', true)];
    const file = join(dir, `${a.name}.dcm`);
    await writeFile(file, part10({ sopClass, sopInstance, transferSyntax: SYNTAX.jpeg.uid }, elements, encapsulatedPixelData([pixels], true).bytes));
    files.push(file);
  }
  return files;
}
