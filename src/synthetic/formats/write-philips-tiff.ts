import type { RgbRaster } from '../../image/raster.js';
import { writeTiledTiff, type Chroma, type TiffPage } from '../../slide/tiff-writer.js';
import { scannerTiffOptions } from './tiff-options.js';

/**
 * Writes a small Philips TIFF (IntelliSite export) as OpenSlide 3.4.1's philips reader expects it:
 * Software starting "Philips", an XML ImageDescription rooted at DataObject ObjectType="DPUfsImport"
 * with one WSI scanned image whose PIIM_PIXEL_DATA_REPRESENTATION_SEQUENCE has one
 * DICOM_PIXEL_SPACING (mm, row then column) per tiled level, and label/macro as strip pages whose
 * descriptions start "Label" / "Macro".
 */
export interface PhilipsTiffOptions {
  /** µm/px of level 0 */
  mpp: number;
  tileSize?: number;
  quality?: number;
  chroma?: Chroma;
  /** a label photograph (privacy tests keep it out of every output) */
  label?: RgbRaster;
  macro?: RgbRaster;
}

function attribute(name: string, value: string, pmsvr = 'IString'): string {
  return `<Attribute Name="${name}" Group="0x0000" Element="0x0000" PMSVR="${pmsvr}">${value}</Attribute>`;
}

/** Philips spacing text: two quoted numbers in mm, row spacing first */
function spacing(mpp: number): string {
  const mm = (mpp / 1000).toPrecision(8);
  return `&quot;${mm}&quot; &quot;${mm}&quot;`;
}

export function philipsDescription(levelMpps: number[]): string {
  const representations = levelMpps
    .map(
      (mpp, i) =>
        `<DataObject ObjectType="PixelDataRepresentation">${attribute('DICOM_PIXEL_SPACING', spacing(mpp), 'IDoubleArray')}${attribute('PIIM_PIXEL_DATA_REPRESENTATION_NUMBER', String(i), 'IUInt16')}</DataObject>`,
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" ?>\n<DataObject ObjectType="DPUfsImport">' +
    attribute('DICOM_MANUFACTURER', 'PHILIPS') +
    attribute('DICOM_MANUFACTURERS_MODEL_NAME', 'UFS Scanner') +
    attribute('DICOM_SOFTWARE_VERSIONS', '&quot;1.8.6824&quot;', 'IStringArray') +
    '<Attribute Name="PIM_DP_SCANNED_IMAGES" Group="0x301D" Element="0x1003" PMSVR="IDataObjectArray"><Array>' +
    '<DataObject ObjectType="DPScannedImage">' +
    attribute('DICOM_PIXEL_SPACING', spacing(levelMpps[0]), 'IDoubleArray') +
    attribute('PIM_DP_IMAGE_TYPE', 'WSI') +
    `<Attribute Name="PIIM_PIXEL_DATA_REPRESENTATION_SEQUENCE" Group="0x1001" Element="0x8B01" PMSVR="IDataObjectArray"><Array>${representations}</Array></Attribute>` +
    '</DataObject></Array></Attribute></DataObject>'
  );
}

/** `levels` level 0 first, each level ⌊W/2^k⌋ wide (OpenSlide clips Philips levels to that). */
export async function writePhilipsTiff(path: string, levels: RgbRaster[], opts: PhilipsTiffOptions): Promise<void> {
  const mpps = levels.map((l) => opts.mpp * (levels[0].width / l.width));
  const pages: TiffPage[] = levels.map((image) => ({ image }));
  if (opts.label) pages.push({ image: opts.label, layout: 'strip', description: 'Label', subfileType: 1 });
  if (opts.macro) pages.push({ image: opts.macro, layout: 'strip', description: 'Macro', subfileType: 1 });
  await writeTiledTiff(path, pages, {
    ...scannerTiffOptions(opts),
    software: 'Philips DP v1.0',
    description: philipsDescription(mpps),
  });
}
