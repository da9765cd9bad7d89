import type { RgbRaster } from '../../image/raster.js';
import { ASCII, writeTiledTiff, type Chroma, type TiffPage } from '../../slide/tiff-writer.js';
import { scannerTiffOptions } from './tiff-options.js';

/**
 * Writes a small Ventana BIF in the layout OpenSlide 3.4.1's ventana reader calls "Ventana TIFF (no
 * AOIs or overlaps)": page 0 the slide label ("Label_Image", OpenSlide's "macro") carrying the XMP
 * packet (tag 700) whose <iScan> gives Magnification and ScanRes (µm/px), page 1 "Thumbnail", then
 * tiled levels described "level=N mag=M". iScan scanners also write AOI tile-joint XML on level 0;
 * without it OpenSlide lays the tiles on a plain grid, which is what these pixels are.
 */
export interface BifOptions {
  mpp: number;
  objective?: number;
  label: RgbRaster;
  thumbnail: RgbRaster;
  tileSize?: number;
  quality?: number;
  chroma?: Chroma;
}

const XMP = 700;
// iScan writes XMLPacket as BYTE; OpenSlide reads the tag as a buffer whatever its type, so ASCII (NUL-terminated) serves

export function bifInitialXml(mpp: number, objective: number): string {
  return `<?xml version="1.0" encoding="utf-8"?><iScan BuildVersion="3.3.1.1" Magnification="${objective}" ScanRes="${mpp}" ScannerModel="VENTANA DP 200" UnitNumber="SYN-0001" />`;
}

export async function writeBif(path: string, levels: RgbRaster[], opts: BifOptions): Promise<void> {
  const objective = opts.objective ?? 20;
  const xml = Buffer.from(`${bifInitialXml(opts.mpp, objective)}\0`, 'utf8');
  const pages: TiffPage[] = [
    { image: opts.label, layout: 'strip', description: 'Label_Image', subfileType: 0, tags: [{ tag: XMP, type: ASCII, values: xml }] },
    { image: opts.thumbnail, layout: 'strip', description: 'Thumbnail', subfileType: 0 },
    ...levels.map((image, k): TiffPage => ({ image, description: `level=${k} mag=${objective / 2 ** k} quality=90`, subfileType: 0, mpp: opts.mpp * 2 ** k })),
  ];
  await writeTiledTiff(path, pages, scannerTiffOptions(opts));
}
