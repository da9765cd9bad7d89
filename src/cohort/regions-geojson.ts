import { ReviewRegions, type RegionKind, type ReviewRegion, type Vertex } from '../domain/review.js';
import { MetadataError } from '../errors/index.js';
import { qupathObjectId, type QupathClassification } from './export-geojson.js';
import { classNameOf, objectTypeOf, readQupathFeatures } from './qupath-geojson.js';

/**
 * Review regions as QuPath annotations (issue 12), in the GeoJSON QuPath ≥ 0.4 writes and reads
 * (File › Export objects / Import objects), level-0 pixels as the detections' export
 * (export-geojson.ts). The mapping, by the annotation's class name (case-insensitive):
 * - "Region…" (QuPath's built-in "Region*", or "Region", "Region 1" …) → a region to analyse;
 * - "Ignore…" (QuPath's built-in "Ignore*") → an exclusion;
 * - anything else, no class, detections, cells and non-polygon geometry → not imported, listed
 *   in `skipped` with the reason.
 * A Polygon's holes become exclusions (what lies in a hole of a region is not analysed); an
 * "Ignore" polygon with holes is refused, since an exclusion cannot give back what it surrounds.
 * A MultiPolygon gives one region or exclusion per part. Export writes each region as one Polygon
 * with its class ("Region*"/"Ignore*" unless its name already starts with the kind's word).
 */

const KIND_CLASSES: Record<RegionKind, QupathClassification & { name: string }> = {
  region: { name: 'Region*', color: [0, 0, 180] },
  exclusion: { name: 'Ignore*', color: [180, 180, 180] },
};
const PREFIX: Record<RegionKind, string> = { region: 'region', exclusion: 'ignore' };

export interface ImportedRegions {
  regions: ReviewRegion[];
  /** features not imported: index in the file and why */
  skipped: { feature: number; reason: string }[];
}

export function kindOfClass(name: string | undefined): RegionKind | undefined {
  const n = (name ?? '').trim().toLowerCase();
  if (n.startsWith(PREFIX.region)) return 'region';
  if (n.startsWith(PREFIX.exclusion)) return 'exclusion';
  return undefined;
}

/** A ring as polygon vertices: [x, y] of each position, the closing repeat of the first dropped. */
function vertices(ring: number[][]): Vertex[] {
  const v = ring.map((p) => [p[0], p[1]] as Vertex);
  const last = v.at(-1);
  if (v.length > 1 && last && last[0] === v[0][0] && last[1] === v[0][1]) v.pop();
  return v;
}

/** Regions and exclusions from QuPath GeoJSON text; `source` (a file name) is named in every error. */
export function regionsFromQupathGeoJson(text: string, source: string): ImportedRegions {
  const features = readQupathFeatures(text, source);
  const out: ImportedRegions = { regions: [], skipped: [] };
  features.forEach((f, i) => {
    const objectType = objectTypeOf(f);
    if (objectType !== 'annotation') return out.skipped.push({ feature: i, reason: `a ${objectType}, not an annotation` });
    const cls = classNameOf(f);
    const kind = kindOfClass(cls);
    if (!kind) return out.skipped.push({ feature: i, reason: cls ? `class "${cls}" is neither Region* nor Ignore*` : 'no class (Region* or Ignore* is needed)' });
    const g = f.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) return out.skipped.push({ feature: i, reason: `geometry ${g?.type ?? 'none'} is not a polygon` });
    const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
    for (const [outer, ...holes] of polygons) {
      if (kind === 'exclusion' && holes.length > 0) throw new MetadataError(`${source}: feature ${i} ("${cls}") is an exclusion with holes; draw what is to be kept as a Region instead`);
      out.regions.push({ kind, polygon: vertices(outer), name: cls });
      for (const h of holes) out.regions.push({ kind: 'exclusion', polygon: vertices(h), name: `${cls} (hole)` });
    }
    return undefined;
  });
  const checked = ReviewRegions.safeParse(out.regions);
  if (!checked.success) {
    const i = checked.error.issues[0];
    throw new MetadataError(`${source}: region ${String(i.path[0] ?? '')}: ${i.path.slice(1).map(String).join('.')}: ${i.message}`);
  }
  return out;
}

/** The class a region is exported with: its own name when that already says its kind, else the kind's built-in class. */
function classOf(r: ReviewRegion): QupathClassification {
  return r.name !== undefined && kindOfClass(r.name) === r.kind ? { name: r.name, color: KIND_CLASSES[r.kind].color } : KIND_CLASSES[r.kind];
}

/** The regions as a QuPath annotation FeatureCollection; `slide` makes the ids stable (UUID v5). */
export function regionsToQupathGeoJson(regions: readonly ReviewRegion[], slide: string): { type: 'FeatureCollection'; features: unknown[] } {
  return {
    type: 'FeatureCollection',
    features: regions.map((r, i) => {
      const ring = r.polygon.map(([x, y]) => [x, y]);
      const [fx, fy] = ring[0];
      const [lx, ly] = ring[ring.length - 1];
      if (fx !== lx || fy !== ly) ring.push([fx, fy]);
      return {
        type: 'Feature',
        id: qupathObjectId(slide, 'region', i),
        geometry: { type: 'Polygon', coordinates: [ring] },
        properties: { objectType: 'annotation', classification: classOf(r) },
      };
    }),
  };
}
