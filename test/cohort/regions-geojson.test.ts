import { getIssues } from '@placemarkio/check-geojson';
import { describe, expect, it } from 'vitest';
import type { ReviewRegion } from '../../src/domain/review.js';
import { regionsFromQupathGeoJson, regionsToQupathGeoJson } from '../../src/cohort/regions-geojson.js';

const square = (x: number, y: number, s: number) => [[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]];
const annotation = (cls: unknown, geometry: unknown, objectType = 'annotation') => ({
  type: 'Feature',
  id: '0f1c2b3a-0000-4000-8000-000000000000',
  geometry,
  properties: { objectType, ...(cls === undefined ? {} : { classification: cls }) },
});

describe('QuPath GeoJSON regions (issue 12)', () => {
  it('imports Region* as regions and Ignore* as exclusions, holes as exclusions, and says what it skipped and why', () => {
    const file = {
      type: 'FeatureCollection',
      features: [
        annotation({ name: 'Region*', color: [0, 0, 180] }, { type: 'Polygon', coordinates: [square(0, 0, 1000), square(100, 100, 50)] }),
        annotation({ name: 'Ignore*', color: [180, 180, 180] }, { type: 'MultiPolygon', coordinates: [[square(10, 10, 5)], [square(500, 500, 20)]] }),
        annotation({ name: 'Tumor', color: [200, 0, 0] }, { type: 'Polygon', coordinates: [square(0, 0, 10)] }),
        annotation({ name: 'Negative', color: [0, 0, 0] }, { type: 'Polygon', coordinates: [square(0, 0, 10)] }, 'detection'),
        annotation({ name: 'Region*' }, { type: 'LineString', coordinates: [[0, 0], [5, 5]] }),
        annotation({ names: ['region', 'Fascicle 2'], color: [1, 2, 3] }, { type: 'Polygon', coordinates: [[[0, 0], [8, 0], [4, 6]]] }),
        annotation(undefined, { type: 'Polygon', coordinates: [square(0, 0, 10)] }),
      ],
    };
    const got = regionsFromQupathGeoJson(JSON.stringify(file), 'review.geojson');
    const open = (s: number[][]) => s.slice(0, -1);
    expect(got.regions).toEqual([
      { kind: 'region', polygon: open(square(0, 0, 1000)), name: 'Region*' },
      { kind: 'exclusion', polygon: open(square(100, 100, 50)), name: 'Region* (hole)' },
      { kind: 'exclusion', polygon: open(square(10, 10, 5)), name: 'Ignore*' },
      { kind: 'exclusion', polygon: open(square(500, 500, 20)), name: 'Ignore*' },
      { kind: 'region', polygon: [[0, 0], [8, 0], [4, 6]], name: 'region: Fascicle 2' },
    ]);
    expect(got.skipped).toEqual([
      { feature: 2, reason: 'class "Tumor" is neither Region* nor Ignore*' },
      { feature: 3, reason: 'a detection, not an annotation' },
      { feature: 4, reason: 'geometry LineString is not a polygon' },
      { feature: 6, reason: 'no class (Region* or Ignore* is needed)' },
    ]);
  });

  it('reads a bare Feature array and a single Feature as QuPath writes them', () => {
    const f = annotation({ name: 'Ignore*' }, { type: 'Polygon', coordinates: [square(1, 2, 3)] });
    expect(regionsFromQupathGeoJson(JSON.stringify([f]), 'a.geojson').regions).toHaveLength(1);
    expect(regionsFromQupathGeoJson(JSON.stringify(f), 'b.geojson').regions[0].kind).toBe('exclusion');
  });

  it('refuses what it cannot use with the file and the problem named', () => {
    expect(() => regionsFromQupathGeoJson('{"type": "Feature', 'broken.geojson')).toThrow(/^broken\.geojson: not JSON/);
    expect(() => regionsFromQupathGeoJson('{"type": "Topology"}', 't.geojson')).toThrow(/^t\.geojson: not QuPath GeoJSON/);
    const holed = annotation({ name: 'Ignore*' }, { type: 'Polygon', coordinates: [square(0, 0, 100), square(10, 10, 5)] });
    expect(() => regionsFromQupathGeoJson(JSON.stringify([holed]), 'h.geojson')).toThrow(/^h\.geojson: feature 0 \("Ignore\*"\) is an exclusion with holes/);
    const line = annotation({ name: 'Region*' }, { type: 'Polygon', coordinates: [[[0, 0], [1, 1], [0, 0]]] });
    expect(() => regionsFromQupathGeoJson(JSON.stringify([line]), 'l.geojson')).toThrow(/^l\.geojson: region 0: polygon: a polygon needs at least 3 vertices/);
  });

  it('exports annotations QuPath reads (closed rings, classes, stable UUIDs) and imports them back unchanged', () => {
    const regions: ReviewRegion[] = [
      { kind: 'region', polygon: [[10.5, 20.25], [900, 20.25], [900, 700], [10.5, 700]], name: 'Region 1' },
      { kind: 'exclusion', polygon: [[100, 100], [200, 120], [150, 300]] },
      { kind: 'region', polygon: [[0, 0], [5, 0], [5, 5]], name: 'Tumour' },
    ];
    const out = regionsToQupathGeoJson(regions, 'sha-of-slide');
    const f = out.features as { id: string; geometry: { coordinates: number[][][] }; properties: { objectType: string; classification: { name: string } } }[];
    expect(f.map((x) => x.properties.classification.name)).toEqual(['Region 1', 'Ignore*', 'Region*']);
    expect(f.every((x) => x.properties.objectType === 'annotation')).toBe(true);
    expect(f[1].geometry.coordinates[0]).toEqual([[100, 100], [200, 120], [150, 300], [100, 100]]);
    expect(f[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(regionsToQupathGeoJson(regions, 'sha-of-slide')).toEqual(out);
    // valid RFC 7946 apart from QuPath's own members
    expect(getIssues(JSON.stringify(out))).toEqual([]);
    const back = regionsFromQupathGeoJson(JSON.stringify(out), 'round.geojson');
    expect(back.skipped).toEqual([]);
    expect(back.regions.map((r) => [r.kind, r.polygon])).toEqual(regions.map((r) => [r.kind, r.polygon]));
  });
});
