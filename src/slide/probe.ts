import type { SlideFormat } from '../domain/slide.js';
import { MetadataError } from '../errors/index.js';
import { chooseLevel } from './choose-level.js';
import { openSlide } from './open.js';
import type { Slide, SlideBackend } from './types.js';

/** What `biopsy-quant probe` reports: the slide's structure and whether analysis can run, never pixels. */
export interface SlideProbe {
  path: string;
  format: SlideFormat;
  backend: SlideBackend;
  vendor: string | null;
  objectivePower: number | null;
  /** level 0 first; µm/px null when neither the file nor --mpp gives a pixel size */
  levels: { index: number; width: number; height: number; mpp: number | null; downsample: number }[];
  mppSource: 'file' | 'metadata' | null;
  /** names only: their pixels may show the patient's name and are never read */
  associatedImages: string[];
  analysis: { canRun: true; level: number; mpp: number; targetMpp: number; note?: string } | { canRun: false; reason: string; targetMpp: number };
}

/**
 * A chosen level this many times coarser (or finer) than the target is analysed all the same, but
 * the probe says so: detection was tuned at 0.5 µm/px and cells shrink below a few pixels by 2 µm/px.
 */
const FAR_FROM_TARGET = 1.5;

function describe(slide: Slide, knownMpp: boolean): Omit<SlideProbe, 'analysis'> {
  return {
    path: slide.path,
    format: slide.format,
    backend: slide.backend,
    vendor: slide.vendor ?? null,
    objectivePower: slide.objectivePower ?? null,
    levels: slide.levels.map((l) => ({ index: l.index, width: l.width, height: l.height, mpp: knownMpp ? l.mpp : null, downsample: l.downsample })),
    mppSource: knownMpp ? slide.mppSource : null,
    associatedImages: [...slide.associatedImages],
  };
}

/** Open `path` as `analyze` would and report it. Unreadable files throw, as `analyze` fails on them. */
export async function probeSlide(path: string, opts: { mpp?: number; targetMpp: number }): Promise<SlideProbe> {
  let slide: Slide;
  try {
    slide = await openSlide(path, opts.mpp === undefined ? {} : { mpp: opts.mpp });
  } catch (err) {
    if (!(err instanceof MetadataError) || opts.mpp !== undefined) throw err;
    // no pixel size: the structure is still worth showing; any stand-in µm/px opens it, none is reported
    const structure = await openSlide(path, { mpp: 1 });
    try {
      return { ...describe(structure, false), analysis: { canRun: false, reason: err.message, targetMpp: opts.targetMpp } };
    } finally {
      await structure.close();
    }
  }
  try {
    const level = slide.levels[chooseLevel(slide.levels, opts.targetMpp)];
    const ratio = level.mpp / opts.targetMpp;
    const note =
      ratio > FAR_FROM_TARGET || ratio < 1 / FAR_FROM_TARGET
        ? `the closest level is ${level.mpp.toPrecision(3)} µm/px, ${ratio > 1 ? 'coarser' : 'finer'} than the ${opts.targetMpp} µm/px target by ${Math.max(ratio, 1 / ratio).toFixed(1)}×`
        : undefined;
    return { ...describe(slide, true), analysis: { canRun: true, level: level.index, mpp: level.mpp, targetMpp: opts.targetMpp, ...(note ? { note } : {}) } };
  } finally {
    await slide.close();
  }
}
