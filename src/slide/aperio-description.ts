/**
 * Vendor metadata of an Aperio SVS from its ImageDescription ("Aperio Image Library v12.0.15\r\n
 * 46000x32914 [0,100 46000x32814] (256x256) JPEG/RGB Q=30|AppMag = 20|MPP = 0.4990|…"), keyed as
 * OpenSlide keys them (`aperio.AppMag`), so probe and provenance read the same from either reader.
 * Fields that can name a person or a case are left out: scanners write the file name (often the
 * accession number), the operator and the barcode here.
 */
const IDENTIFYING = new Set(['filename', 'barcode', 'user', 'slideid', 'patient', 'accession']);

export interface AperioMetadata {
  vendor: string;
  objectivePower?: number;
  properties: Record<string, string>;
}

/** An Aperio description has a few dozen fields; past this many the rest are not vendor metadata (a hostile file had a million). */
const MAX_FIELDS = 256;

export function aperioMetadata(description: string): AperioMetadata {
  const fields = description.split('|', MAX_FIELDS + 1).slice(1);
  const properties: Record<string, string> = {};
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq < 0) continue;
    const key = field.slice(0, eq).trim();
    const value = field.slice(eq + 1).trim();
    if (!key || IDENTIFYING.has(key.replace(/[\s_]/g, '').toLowerCase())) continue;
    properties[`aperio.${key}`] = value;
  }
  const mag = Number(properties['aperio.AppMag']);
  return { vendor: 'Aperio', ...(Number.isFinite(mag) && mag > 0 ? { objectivePower: mag } : {}), properties };
}
