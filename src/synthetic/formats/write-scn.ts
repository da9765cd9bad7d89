import type { RgbRaster } from '../../image/raster.js';
import { writeTiledTiff, type Chroma, type TiffPage } from '../../slide/tiff-writer.js';
import { scannerTiffOptions } from './tiff-options.js';

/**
 * Writes a small Leica SCN as OpenSlide 3.4.1's leica reader expects it: a tiled TIFF whose first
 * page's ImageDescription is <scn xmlns="http://www.leica-microsystems.com/scn/2010/10/01"> with one
 * collection (its size in nm), a macro image whose view covers the whole collection (page 0, as the
 * SCN400 writes it) and a brightfield main image placed `marginPx` in from the collection's corner,
 * one <dimension ifd=…> per level. OpenSlide shows the whole collection: the margin reads as glass.
 */
export interface ScnOptions {
  /** µm/px of level 0 */
  mpp: number;
  /** main-image offset from the collection corner, in level-0 pixels (a multiple of 2^(levels−1) keeps every level's offset whole) */
  marginPx?: number;
  macro: RgbRaster;
  tileSize?: number;
  quality?: number;
  chroma?: Chroma;
  objective?: number;
}

export const SCN_XMLNS = 'http://www.leica-microsystems.com/scn/2010/10/01';

export function scnDescription(levels: { width: number; height: number }[], mpp: number, margin: number, macro: { width: number; height: number }, objective: number): string {
  const nm = mpp * 1000;
  const mainW = Math.round(levels[0].width * nm);
  const mainH = Math.round(levels[0].height * nm);
  const collW = Math.round((levels[0].width + 2 * margin) * nm);
  const collH = Math.round((levels[0].height + 2 * margin) * nm);
  const settings = (obj: string) =>
    `<scanSettings><objectiveSettings><objective>${obj}</objective></objectiveSettings><illuminationSettings><numericalAperture>0.4</numericalAperture><illuminationSource>brightfield</illuminationSource></illuminationSettings></scanSettings>`;
  const dims = levels.map((l, i) => `<dimension sizeX="${l.width}" sizeY="${l.height}" ifd="${i + 1}" />`).join('');
  return (
    `<?xml version="1.0"?>\n<scn xmlns="${SCN_XMLNS}"><collection name="synthetic" uuid="00000000-0000-0000-0000-000000000001" sizeX="${collW}" sizeY="${collH}">` +
    `<image name="macro" uuid="00000000-0000-0000-0000-000000000002"><creationDate>2026-01-01T00:00:00Z</creationDate><device model="Leica SCN400" version="1.5" />` +
    `<pixels sizeX="${macro.width}" sizeY="${macro.height}"><dimension sizeX="${macro.width}" sizeY="${macro.height}" ifd="0" /></pixels>` +
    `<view sizeX="${collW}" sizeY="${collH}" offsetX="0" offsetY="0" spacingZ="0" />${settings('1.25')}</image>` +
    `<image name="main" uuid="00000000-0000-0000-0000-000000000003"><creationDate>2026-01-01T00:00:00Z</creationDate><device model="Leica SCN400" version="1.5" />` +
    `<pixels sizeX="${levels[0].width}" sizeY="${levels[0].height}">${dims}</pixels>` +
    `<view sizeX="${mainW}" sizeY="${mainH}" offsetX="${Math.round(margin * nm)}" offsetY="${Math.round(margin * nm)}" spacingZ="0" />${settings(String(objective))}</image>` +
    '</collection></scn>'
  );
}

/** `levels` level 0 first (each half the one before); the macro becomes page 0. */
export async function writeScn(path: string, levels: RgbRaster[], opts: ScnOptions): Promise<void> {
  const margin = opts.marginPx ?? 64;
  const macroMpp = (opts.mpp * (levels[0].width + 2 * margin)) / opts.macro.width;
  const pages: TiffPage[] = [
    { image: opts.macro, subfileType: 0, mpp: macroMpp },
    ...levels.map((image, i): TiffPage => ({ image, subfileType: i === 0 ? 0 : 1, mpp: opts.mpp * (levels[0].width / image.width) })),
  ];
  await writeTiledTiff(path, pages, {
    ...scannerTiffOptions(opts),
    description: scnDescription(levels, opts.mpp, margin, opts.macro, opts.objective ?? 20),
  });
}
