import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { v5 as uuidV5 } from 'uuid';
import { z } from 'zod';
import { Detection, FibreRecord } from '../domain/detection.js';
import { AnalysisError, MetadataError } from '../errors/index.js';
import { isMhc1Positive } from '../score/mhc1.js';

/**
 * Detections as a GeoJSON FeatureCollection in the shape QuPath ≥ 0.4 writes and reads
 * (qupath-core PathObjectTypeAdapters / GsonTools), for File › Import objects over the slide:
 * - `id` is a UUID (QuPath parses it with UUID.fromString and keeps it as the object id);
 * - geometry is in level-0 **pixels**, origin at the image's top-left corner (QuPath's ROI space);
 * - a cell carries its nucleus as the foreign member `nucleusGeometry` next to `geometry`;
 * - `properties.objectType` is "cell" or "detection", `classification` is `{ name, color: [r, g, b] }`
 *   (`names: [...]` for a derived class such as "Fibre: MHC-I positive", as QuPath writes them),
 *   `measurements` is an object of name → number.
 */

/** level-0 µm/px and the slide's identity; ids are UUID v5 of slide + kind + index, so a re-export gives the same ids */
export const QupathExportOptions = z.object({
  /** anything stable that names the slide (sha256, path, database id) */
  slide: z.string().min(1),
  /** level-0 pixel size of the slide, µm/px */
  mppUm: z.number().positive(),
  /** vertices of the polygon drawn for a cell or a contour-less fibre */
  vertices: z.number().int().min(8).max(720).default(32),
});
export type QupathExportOptions = z.input<typeof QupathExportOptions>;

/**
 * A muscle fibre to export; µm in level-0 slide space like detections. A stored FibreRecord
 * (src/domain/detection.ts) fits as it is; the nucleus counts and the perifascicular flag become
 * measurements when present.
 */
export const ExportFibre = FibreRecord.extend({
  /** shown as the object's name ("Fibre 12") when given */
  id: z.number().int().optional(),
  peripheralNuclei: FibreRecord.shape.peripheralNuclei.optional(),
  internalNuclei: FibreRecord.shape.internalNuclei.optional(),
  perifascicular: FibreRecord.shape.perifascicular.optional(),
  /** when absent, decided by isMhc1Positive with the default thresholds (src/score/mhc1.ts) */
  mhc1Positive: z.boolean().optional(),
  /** the fibre's outline, µm, as points or [x, y] pairs (FibreRecord); drawn as a circle of `areaUm2` when absent */
  contour: z.array(z.union([z.object({ x: z.number(), y: z.number() }), z.tuple([z.number(), z.number()])])).optional(),
});
export type ExportFibre = z.infer<typeof ExportFibre>;

type Rgb = [number, number, number];
export interface QupathClassification {
  name?: string;
  names?: string[];
  color: Rgb;
}

/** QuPath's own intensity classes and colours (PathClass NAME_/COLOR_NEGATIVE, ONE_PLUS, TWO_PLUS, THREE_PLUS), by grade 0–3. */
export const GRADE_CLASSES: readonly QupathClassification[] = [
  { name: 'Negative', color: [90, 90, 180] },
  { name: '1+', color: [255, 215, 0] },
  { name: '2+', color: [225, 150, 50] },
  { name: '3+', color: [200, 50, 50] },
];

/** Fibre classes reuse QuPath's Positive red and Negative blue so positives read as stained at a glance. */
export const FIBRE_CLASSES = {
  positive: { names: ['Fibre', 'MHC-I positive'], color: [200, 50, 50] },
  negative: { names: ['Fibre', 'MHC-I negative'], color: [90, 90, 180] },
} as const satisfies Record<string, QupathClassification>;

type Ring = [number, number][];
interface Polygon {
  type: 'Polygon';
  coordinates: Ring[];
}

export interface QupathFeature {
  type: 'Feature';
  id: string;
  geometry: Polygon;
  nucleusGeometry?: Polygon;
  properties: {
    objectType: 'cell' | 'detection';
    name?: string;
    classification: QupathClassification;
    measurements: Record<string, number>;
  };
}

/** Arbitrary fixed namespace for biopsy-quant's name-based (v5) object ids. */
const ID_NAMESPACE = '3f57524b-94e6-40cc-bd54-8223bf04b71e';

export function qupathObjectId(slide: string, kind: 'cell' | 'fibre' | 'region', index: number): string {
  return uuidV5(`${slide}/${kind}/${index}`, ID_NAMESPACE);
}

/** 0.01 px is far below a pixel and keeps 100k cells of 32 vertices near 50 MB instead of 120 MB. */
function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/**
 * Regular polygon around (cx, cy) px whose area is `areaPx2` (circumradius enlarged from the circle's
 * so the polygon, not the circle, has the measured area: QuPath recomputes areas from the geometry).
 * Angles increase from 0, so the ring is counter-clockwise in coordinate space as RFC 7946 asks for
 * exterior rings (on screen, with y pointing down, it looks clockwise).
 */
function regularPolygon(cx: number, cy: number, areaPx2: number, n: number): Polygon {
  const r = Math.sqrt((2 * areaPx2) / (n * Math.sin((2 * Math.PI) / n)));
  const ring: Ring = [];
  for (let k = 0; k < n; k++) {
    const t = (2 * Math.PI * k) / n;
    ring.push([round(cx + r * Math.cos(t)), round(cy + r * Math.sin(t))]);
  }
  ring.push([ring[0][0], ring[0][1]]);
  return { type: 'Polygon', coordinates: [ring] };
}

/** Twice the signed area (shoelace); positive for a counter-clockwise ring. */
function signedArea2(ring: Ring): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += ring[j][0] * ring[i][1] - ring[i][0] * ring[j][1];
  return s;
}

function contourPolygon(contour: NonNullable<ExportFibre['contour']>, mpp: number, what: string): Polygon {
  const ring: Ring = contour.map((p) => (Array.isArray(p) ? [round(p[0] / mpp), round(p[1] / mpp)] : [round(p.x / mpp), round(p.y / mpp)]));
  const last = ring.length - 1;
  if (last > 0 && ring[0][0] === ring[last][0] && ring[0][1] === ring[last][1]) ring.pop();
  if (ring.length < 3) throw new AnalysisError(`GeoJSON export, ${what}: contour has ${ring.length} distinct points, a polygon needs 3`);
  if (signedArea2(ring) < 0) ring.reverse();
  ring.push([ring[0][0], ring[0][1]]);
  return { type: 'Polygon', coordinates: [ring] };
}

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new AnalysisError(`GeoJSON export, ${what}: ${issue.path.join('.') || 'value'}: ${issue.message}`);
}

function options(o: QupathExportOptions): z.infer<typeof QupathExportOptions> {
  const r = QupathExportOptions.safeParse(o);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new MetadataError(`GeoJSON export options: ${issue.path.join('.')}: ${issue.message}`);
}

/**
 * One cell as QuPath would hold it after positive cell detection: cell boundary as geometry, nucleus
 * as nucleusGeometry, both circles of the measured areas; measurement names as QuPath's detector
 * writes them (units in the names).
 */
export function cellFeature(input: Detection, index: number, opts: QupathExportOptions): QupathFeature {
  const o = options(opts);
  const d = parsed(Detection, input, `detection ${index}`);
  const cx = d.x / o.mppUm;
  const cy = d.y / o.mppUm;
  const px2 = o.mppUm * o.mppUm;
  const hasNucleus = d.nucleusAreaUm2 > 0;
  const hasCell = d.cellAreaUm2 > 0;
  if (!hasNucleus && !hasCell) throw new AnalysisError(`GeoJSON export, detection ${index}: nucleus and cell areas are both 0 µm², nothing to draw`);
  const feature: QupathFeature = {
    type: 'Feature',
    id: qupathObjectId(o.slide, 'cell', index),
    geometry: regularPolygon(cx, cy, (hasCell ? d.cellAreaUm2 : d.nucleusAreaUm2) / px2, o.vertices),
    properties: {
      objectType: hasNucleus && hasCell ? 'cell' : 'detection',
      classification: GRADE_CLASSES[d.grade],
      measurements: {
        'Nucleus: Area µm^2': d.nucleusAreaUm2,
        'Nucleus: Hematoxylin OD mean': d.hematoxylinOd,
        'Nucleus: DAB OD mean': d.dabNucleus,
        'Cytoplasm: DAB OD mean': d.dabCytoplasm,
        'Cell: Area µm^2': d.cellAreaUm2,
        'Cell: DAB OD mean': d.dabCell,
        ...(d.dabSurround !== undefined ? { 'Surround: DAB OD': d.dabSurround } : {}),
      },
    },
  };
  if (hasNucleus && hasCell) feature.nucleusGeometry = regularPolygon(cx, cy, d.nucleusAreaUm2 / px2, o.vertices);
  return feature;
}

/** One muscle fibre as a QuPath detection: outline from the contour, or a circle of its area. */
export function fibreFeature(input: ExportFibre, index: number, opts: QupathExportOptions): QupathFeature {
  const o = options(opts);
  const f = parsed(ExportFibre, input, `fibre ${index}`);
  let geometry: Polygon;
  if (f.contour) geometry = contourPolygon(f.contour, o.mppUm, `fibre ${index}`);
  else if (f.areaUm2 > 0) geometry = regularPolygon(f.x / o.mppUm, f.y / o.mppUm, f.areaUm2 / (o.mppUm * o.mppUm), o.vertices);
  else throw new AnalysisError(`GeoJSON export, fibre ${index}: no contour and area 0 µm², nothing to draw`);
  const positive = f.mhc1Positive ?? isMhc1Positive(f);
  const measurements: Record<string, number> = {
    // QuPath names the minimum caliper (Feret) diameter "Min diameter".
    'Area µm^2': f.areaUm2,
    'Min diameter µm': f.minFeretUm,
    'Ring: DAB OD mean': f.ringDab,
    'Interior: DAB OD mean': f.interiorDab,
  };
  if (f.peripheralNuclei !== undefined) measurements['Peripheral nuclei'] = f.peripheralNuclei;
  if (f.internalNuclei !== undefined) measurements['Internal nuclei'] = f.internalNuclei;
  // QuPath measurements are numbers only: 1 = on the fascicle's edge
  if (f.perifascicular !== undefined) measurements.Perifascicular = f.perifascicular ? 1 : 0;
  const feature: QupathFeature = {
    type: 'Feature',
    id: qupathObjectId(o.slide, 'fibre', index),
    geometry,
    properties: {
      objectType: 'detection',
      classification: positive ? FIBRE_CLASSES.positive : FIBRE_CLASSES.negative,
      measurements,
    },
  };
  if (f.id !== undefined) feature.properties.name = `Fibre ${f.id}`;
  return feature;
}

/** One JSON string per feature, cells first (index = position in `cells`), then fibres. */
export function* qupathFeatureStrings(cells: Iterable<Detection>, opts: QupathExportOptions, fibres: Iterable<ExportFibre> = []): Generator<string> {
  const o = options(opts);
  let i = 0;
  for (const d of cells) yield JSON.stringify(cellFeature(d, i++, o));
  i = 0;
  for (const f of fibres) yield JSON.stringify(fibreFeature(f, i++, o));
}

/** The whole FeatureCollection in pieces, so 100k detections never sit in memory as one string. */
export function* qupathGeoJsonChunks(cells: Iterable<Detection>, opts: QupathExportOptions, fibres: Iterable<ExportFibre> = []): Generator<string> {
  yield '{"type":"FeatureCollection","features":[';
  let first = true;
  for (const feature of qupathFeatureStrings(cells, opts, fibres)) {
    yield first ? `\n${feature}` : `,\n${feature}`;
    first = false;
  }
  yield '\n]}\n';
}

/** Streams the FeatureCollection into `out` with backpressure; ends `out` unless `end: false`. */
export async function writeQupathGeoJson(
  out: Writable,
  cells: Iterable<Detection>,
  opts: QupathExportOptions,
  fibres: Iterable<ExportFibre> = [],
  { end = true }: { end?: boolean } = {},
): Promise<void> {
  await pipeline(Readable.from(qupathGeoJsonChunks(cells, opts, fibres)), out, { end });
}
