import { z } from 'zod';
import { MetadataError } from '../errors/index.js';

/**
 * The GeoJSON QuPath ≥ 0.4 writes (File › Export objects): a FeatureCollection, a bare Feature
 * array (its "export as array" option) or one Feature; each with an object type (annotation,
 * detection, cell) and a classification. Read once here for the review regions
 * (regions-geojson.ts) and the manual point counts (validation/point-counts.ts).
 */
const Position = z.array(z.number()).min(2);
const Ring = z.array(Position);
const Geometry = z.union([
  z.object({ type: z.literal('Polygon'), coordinates: z.array(Ring).min(1) }),
  z.object({ type: z.literal('MultiPolygon'), coordinates: z.array(z.array(Ring).min(1)) }),
  z.object({ type: z.literal('Point'), coordinates: Position }),
  z.object({ type: z.literal('MultiPoint'), coordinates: z.array(Position) }),
  z.object({ type: z.string() }).passthrough(),
]);
const Classification = z.object({ name: z.string().optional(), names: z.array(z.string()).optional() }).passthrough();
const Feature = z.object({
  type: z.literal('Feature'),
  geometry: Geometry.nullable(),
  properties: z
    .object({ objectType: z.string().optional(), classification: Classification.optional(), name: z.string().optional() })
    .passthrough()
    .nullable()
    .optional(),
}).passthrough();
export type QupathFeature = z.infer<typeof Feature>;

const QupathGeoJson = z.union([
  z.object({ type: z.literal('FeatureCollection'), features: z.array(Feature) }).passthrough(),
  z.array(Feature),
  Feature,
]);

/** The features of QuPath GeoJSON text in file order; `source` (a file name) is named in every error. */
export function readQupathFeatures(text: string, source: string): QupathFeature[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new MetadataError(`${source}: not JSON (${(e as Error).message})`);
  }
  const parsed = QupathGeoJson.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new MetadataError(`${source}: not QuPath GeoJSON (a FeatureCollection, a Feature or an array of Features): ${i.path.join('.') || '(top)'}: ${i.message}`);
  }
  const d = parsed.data;
  return Array.isArray(d) ? d : d.type === 'FeatureCollection' ? (d as { features: QupathFeature[] }).features : [d as QupathFeature];
}

/** QuPath's object type; a feature without one is an annotation (what QuPath assumes on import). */
export function objectTypeOf(f: QupathFeature): string {
  return f.properties?.objectType ?? 'annotation';
}

/** The class name ("Positive", or a derived class "Tumor: Positive"); undefined when unclassified. */
export function classNameOf(f: QupathFeature): string | undefined {
  const c = f.properties?.classification;
  return c?.name ?? c?.names?.join(': ');
}
