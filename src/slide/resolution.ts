/**
 * Pixel size from stated resolution. Desktop software stamps 72 or 96 dpi on images that were
 * never measured; a microscope never produces those, so they are treated as "no pixel size".
 */
export type ResolutionUnit = 'inch' | 'cm' | 'metre';

const UM_PER_UNIT: Record<ResolutionUnit, number> = { inch: 25_400, cm: 10_000, metre: 1_000_000 };
const SOFTWARE_DEFAULT_DPI = [72, 96];
/** coarser than this is not a microscope image (SlideMetadata.mpp has the same bound) */
const MAX_PLAUSIBLE_MPP = 100;

/** µm/px for `pixelsPerUnit` pixels per `unit`, or undefined when it is absent, nonsense or a software default. */
export function mppFromResolution(pixelsPerUnit: number | undefined, unit: ResolutionUnit | undefined): number | undefined {
  if (unit === undefined || pixelsPerUnit === undefined || !Number.isFinite(pixelsPerUnit) || pixelsPerUnit <= 0) return undefined;
  const dpi = (pixelsPerUnit * UM_PER_UNIT.inch) / UM_PER_UNIT[unit];
  // PNG stores 72 dpi as 2835 px/m (72.009 dpi), so compare with a small tolerance
  if (SOFTWARE_DEFAULT_DPI.some((d) => Math.abs(dpi - d) < 0.05)) return undefined;
  const mpp = UM_PER_UNIT[unit] / pixelsPerUnit;
  return mpp <= MAX_PLAUSIBLE_MPP ? mpp : undefined;
}

/** Aperio ImageDescription: `...|MPP = 0.4990|...` */
export function mppFromAperioDescription(description: string): number | undefined {
  const m = /\|\s*MPP\s*=\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)/.exec(description);
  const mpp = m ? Number(m[1]) : NaN;
  return Number.isFinite(mpp) && mpp > 0 && mpp <= MAX_PLAUSIBLE_MPP ? mpp : undefined;
}

const OME_UNIT_UM: Record<string, number> = {
  'µm': 1, 'μm': 1, um: 1, micron: 1, nm: 1e-3, 'Å': 1e-4, mm: 1e3, cm: 1e4, m: 1e6,
};

/** OME-XML `<Pixels PhysicalSizeX="0.25" PhysicalSizeXUnit="µm">`; the unit defaults to µm (OME schema 2016-06). */
export function mppFromOmeXml(xml: string): number | undefined {
  // the first Pixels start tag, found without a regex that scans to '>' from every '<Pixels'
  // (quadratic: 3 MB of unclosed '<Pixels ' held one analysis for minutes)
  const start = /<(?:\w+:)?Pixels\b/.exec(xml);
  if (!start) return undefined;
  const end = xml.indexOf('>', start.index);
  if (end < 0) return undefined;
  const pixels = xml.slice(start.index, end + 1);
  const size = /\bPhysicalSizeX\s*=\s*"([^"]*)"/.exec(pixels);
  if (!size) return undefined;
  const unit = /\bPhysicalSizeXUnit\s*=\s*"([^"]*)"/.exec(pixels)?.[1] ?? 'µm';
  const factor = OME_UNIT_UM[unit];
  const mpp = Number(size[1]) * (factor ?? NaN);
  return Number.isFinite(mpp) && mpp > 0 && mpp <= MAX_PLAUSIBLE_MPP ? mpp : undefined;
}
