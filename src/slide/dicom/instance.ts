import type { DataSet } from 'dicom-parser';
import { z } from 'zod';
import { SlideFormatError } from '../../errors/index.js';
import type { InstanceHeader, PixelDataLocation } from './read-header.js';
import { TRANSFER_SYNTAXES, WSI_SOP_CLASS, sopClassName, type FrameCodec } from './dicom-uids.js';

/** What an instance is for: a pyramid level, or an associated image listed by name only. */
export type InstanceFlavor = 'VOLUME' | 'LABEL' | 'OVERVIEW' | 'THUMBNAIL';

/** The attributes of one WSI instance the backend uses, checked (zod) where they leave the file. */
const InstanceAttributes = z.object({
  sopInstanceUid: z.string().min(1, 'SOP Instance UID (0008,0018) is missing'),
  seriesUid: z.string().min(1, 'Series Instance UID (0020,000E) is missing'),
  studyUid: z.string().optional(),
  rows: z.number().int().positive('Rows (0028,0010) must be a positive integer'),
  columns: z.number().int().positive('Columns (0028,0011) must be a positive integer'),
  samplesPerPixel: z.union([z.literal(1), z.literal(3)], { message: 'Samples per Pixel (0028,0002) must be 1 or 3' }),
  photometric: z.string().min(1, 'Photometric Interpretation (0028,0004) is missing'),
  planar: z.boolean(),
  bitsAllocated: z.literal(8, { message: 'only 8-bit samples are read (Bits Allocated (0028,0100) must be 8)' }),
  numberOfFrames: z.number().int().positive('Number of Frames (0028,0008) must be a positive integer'),
  totalColumns: z.number().int().positive('Total Pixel Matrix Columns (0048,0006) must be a positive integer'),
  totalRows: z.number().int().positive('Total Pixel Matrix Rows (0048,0007) must be a positive integer'),
  /** µm/px across (column spacing), from Pixel Spacing or Imaged Volume Width */
  mpp: z.number().positive().max(100, 'pixel spacing over 100 µm/px is not a microscope image').optional(),
  sparse: z.boolean(),
  concatenated: z.literal(false, { message: 'concatenated instances (Concatenation UID (0020,9161)) are not supported; export the level as one instance' }),
});
export type InstanceAttributes = z.infer<typeof InstanceAttributes>;

/** A LABEL, OVERVIEW or THUMBNAIL instance: its header is read, its pixels never are (labels show patient identity). */
export interface AssociatedInstance {
  path: string;
  flavor: Exclude<InstanceFlavor, 'VOLUME'>;
  seriesUid?: string;
  studyUid?: string;
}

export interface WsiInstance extends InstanceAttributes {
  flavor: 'VOLUME';
  path: string;
  codec: FrameCodec;
  transferSyntax: string;
  pixelData: PixelDataLocation;
  fileSize: number;
  /** TILED_SPARSE: 0-based (column, row) pixel position of each frame's top-left corner, in frame order */
  framePositions?: Int32Array;
}

/** The text of a (possibly multi-valued) string attribute, or undefined when absent or empty. */
export function text(ds: DataSet, tag: string): string | undefined {
  const v = ds.string(tag);
  return v === undefined || v === '' ? undefined : v;
}

export function values(ds: DataSet, tag: string): string[] {
  return (ds.string(tag) ?? '').split('\\').map((s) => s.trim()).filter((s) => s !== '');
}

/** The first item's data set of a sequence, or undefined. */
export function firstItem(ds: DataSet | undefined, tag: string): DataSet | undefined {
  return ds?.elements[tag]?.items?.[0]?.dataSet;
}

function uint(ds: DataSet, tag: string): number | undefined {
  const el = ds.elements[tag];
  if (!el || el.length === 0) return undefined;
  return el.length >= 4 ? ds.uint32(tag) : ds.uint16(tag);
}

/** µm/px across from the shared Pixel Measures (mm, "row spacing\column spacing"), else Imaged Volume Width. */
function columnSpacingUm(ds: DataSet, totalColumns: number | undefined): number | undefined {
  const measures = firstItem(firstItem(ds, 'x52009229'), 'x00289110');
  const spacing = measures ? values(measures, 'x00280030').map(Number) : [];
  if (spacing.length === 2 && spacing.every((v) => Number.isFinite(v) && v > 0)) return spacing[1] * 1000;
  const widthMm = ds.elements.x00480001 ? ds.float('x00480001') : undefined;
  if (widthMm !== undefined && widthMm > 0 && totalColumns) return (widthMm * 1000) / totalColumns;
  return undefined;
}

/** TILED_SPARSE frame positions from Per-Frame Functional Groups → Plane Position (Slide), 1-based in the file. */
function sparsePositions(path: string, ds: DataSet, frames: number): Int32Array | undefined {
  const perFrame = ds.elements.x52009230?.items;
  if (!perFrame) return undefined;
  if (perFrame.length !== frames) {
    throw new SlideFormatError(`${path}: TILED_SPARSE instance has ${perFrame.length} Per-Frame Functional Group items for ${frames} frames`);
  }
  const out = new Int32Array(frames * 2);
  for (let i = 0; i < frames; i++) {
    const plane = firstItem(perFrame[i].dataSet, 'x0048021a');
    const col = plane?.int32('x0048021e');
    const row = plane?.int32('x0048021f');
    if (col === undefined || row === undefined) {
      throw new SlideFormatError(`${path}: frame ${i + 1} has no Plane Position (Slide) column/row (0048,021E/021F) in a TILED_SPARSE instance`);
    }
    out[2 * i] = col - 1;
    out[2 * i + 1] = row - 1;
  }
  return out;
}

const FLAVORS: readonly InstanceFlavor[] = ['VOLUME', 'LABEL', 'OVERVIEW', 'THUMBNAIL'];

/** The SOP class of a parsed header, or a SlideFormatError naming it when it is not VL Whole Slide Microscopy. */
export function checkWsiSopClass(path: string, ds: DataSet): void {
  const sopClass = text(ds, 'x00080016') ?? text(ds, 'x00020002') ?? '';
  if (sopClass !== WSI_SOP_CLASS) {
    throw new SlideFormatError(`${path}: is DICOM but not a whole-slide image: SOP class ${sopClassName(sopClass) || '(missing)'}, expected VL Whole Slide Microscopy Image Storage (${WSI_SOP_CLASS})`);
  }
}

/**
 * Turn a parsed WSI header into a level (VOLUME) or an associated image, or throw a
 * SlideFormatError naming the file and the attribute at fault. Associated images are checked no
 * further: they are never decoded, so their pixel encoding does not matter.
 */
export function describeInstance(path: string, header: InstanceHeader): WsiInstance | AssociatedInstance {
  const ds = header.dataSet;
  checkWsiSopClass(path, ds);
  const flavor = values(ds, 'x00080008')[2] as InstanceFlavor | undefined;
  if (!flavor || !FLAVORS.includes(flavor)) {
    throw new SlideFormatError(`${path}: Image Type (0008,0008) value 3 is ${flavor ?? 'missing'}; a WSI instance is VOLUME, LABEL, OVERVIEW or THUMBNAIL`);
  }
  if (flavor !== 'VOLUME') return { path, flavor, seriesUid: text(ds, 'x0020000e'), studyUid: text(ds, 'x0020000d') };
  const syntax = TRANSFER_SYNTAXES[header.transferSyntax];
  if (!syntax) {
    throw new SlideFormatError(`${path}: DICOM transfer syntax ${header.transferSyntax || '(missing)'} is not supported; supported: ${Object.values(TRANSFER_SYNTAXES).map((t) => t.name).join(', ')}`);
  }
  if (syntax.codec !== 'native' && !header.pixelData.encapsulated) {
    throw new SlideFormatError(`${path}: transfer syntax ${syntax.name} needs encapsulated pixel data, but Pixel Data has a defined length`);
  }
  const totalColumns = uint(ds, 'x00480006');
  const frames = ds.intString('x00280008') ?? 1;
  const organisation = text(ds, 'x00209311');
  const framePositions = organisation === 'TILED_FULL' ? undefined : sparsePositions(path, ds, frames);
  const raw = {
    sopInstanceUid: text(ds, 'x00080018') ?? '',
    seriesUid: text(ds, 'x0020000e') ?? '',
    studyUid: text(ds, 'x0020000d'),
    rows: ds.uint16('x00280010'),
    columns: ds.uint16('x00280011'),
    samplesPerPixel: ds.uint16('x00280002'),
    photometric: text(ds, 'x00280004') ?? '',
    planar: ds.uint16('x00280006') === 1,
    bitsAllocated: ds.uint16('x00280100'),
    numberOfFrames: frames,
    totalColumns,
    totalRows: uint(ds, 'x00480007'),
    mpp: columnSpacingUm(ds, totalColumns),
    sparse: framePositions !== undefined,
    concatenated: ds.elements.x00209161 !== undefined,
  };
  const parsed = InstanceAttributes.safeParse(raw);
  if (!parsed.success) {
    throw new SlideFormatError(`${path}: not a readable WSI instance: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  return { ...parsed.data, flavor, path, codec: syntax.codec, transferSyntax: header.transferSyntax, pixelData: header.pixelData, fileSize: header.fileSize, framePositions };
}
