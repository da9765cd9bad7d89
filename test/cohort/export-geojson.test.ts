import { Writable } from 'node:stream';
import { getIssues } from '@placemarkio/check-geojson';
import { describe, expect, it } from 'vitest';
import {
  cellFeature,
  fibreFeature,
  qupathGeoJsonChunks,
  writeQupathGeoJson,
  type ExportFibre,
  type QupathFeature,
} from '../../src/cohort/export-geojson.js';
import type { Detection, FibreRecord } from '../../src/domain/detection.js';
import { AnalysisError, MetadataError } from '../../src/errors/index.js';

const MPP = 0.5;
const opts = { slide: 'slide-sha-abc', mppUm: MPP };

function cell(x: number, y: number, grade: number, over: Partial<Detection> = {}): Detection {
  return {
    x, y, nucleusAreaUm2: 40, cellAreaUm2: 120, hematoxylinOd: 0.35,
    dabNucleus: 0.05, dabCytoplasm: 0.1 + 0.2 * grade, dabCell: 0.08 + 0.2 * grade, grade, ...over,
  };
}

type Ring = [number, number][];

/** Area-weighted centroid and signed area (positive = counter-clockwise) of a closed ring. */
function ringStats(ring: Ring): { area: number; cx: number; cy: number } {
  let a2 = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < ring.length - 1; i++) {
    const [x0, y0] = ring[i];
    const [x1, y1] = ring[i + 1];
    const cross = x0 * y1 - x1 * y0;
    a2 += cross;
    cx += (x0 + x1) * cross;
    cy += (y0 + y1) * cross;
  }
  return { area: a2 / 2, cx: cx / (3 * a2), cy: cy / (3 * a2) };
}

function collection(cells: Detection[], fibres: ExportFibre[] = []): string {
  return [...qupathGeoJsonChunks(cells, opts, fibres)].join('');
}

const cells = [cell(100, 50, 0), cell(1000.25, 2000.75, 1), cell(37.5, 12.5, 2, { dabCytoplasm: 0.5, dabCell: 0.48 }), cell(5000, 5000, 3)];

describe('QuPath GeoJSON export', () => {
  it('is valid GeoJSON with exactly one feature per detection and fibre', () => {
    const fibres: ExportFibre[] = [
      { id: 7, x: 300, y: 300, areaUm2: 1500, minFeretUm: 40, ringDab: 0.3, interiorDab: 0.05 },
    ];
    const text = collection(cells, fibres);
    expect(getIssues(text)).toEqual([]);
    const fc = JSON.parse(text) as { type: string; features: QupathFeature[] };
    expect(fc.type).toBe('FeatureCollection');
    expect(fc.features).toHaveLength(5);
    expect(fc.features.map((f) => f.properties.objectType)).toEqual(['cell', 'cell', 'cell', 'cell', 'detection']);
  });

  it('an empty slide is an empty, valid FeatureCollection', () => {
    const text = collection([]);
    expect(getIssues(text)).toEqual([]);
    expect(JSON.parse(text)).toEqual({ type: 'FeatureCollection', features: [] });
  });

  it('ids are RFC 4122 UUIDs (v5), stable across exports and distinct across slides and objects', () => {
    const a = JSON.parse(collection(cells)).features.map((f: QupathFeature) => f.id);
    const b = JSON.parse(collection(cells)).features.map((f: QupathFeature) => f.id);
    const other = [...qupathGeoJsonChunks(cells, { ...opts, slide: 'another-slide' })].join('');
    const c = JSON.parse(other).features.map((f: QupathFeature) => f.id);
    for (const id of a) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b).toEqual(a);
    expect(new Set([...a, ...c]).size).toBe(8);
  });

  it('puts polygons in level-0 pixels: centroid at x/mpp, area = measured µm² / mpp², counter-clockwise and closed', () => {
    for (const [i, d] of cells.entries()) {
      const f = cellFeature(d, i, opts);
      for (const [geom, areaUm2] of [[f.geometry, d.cellAreaUm2], [f.nucleusGeometry!, d.nucleusAreaUm2]] as const) {
        const ring = geom.coordinates[0];
        expect(geom.type).toBe('Polygon');
        expect(ring).toHaveLength(33); // 32 vertices + closing point
        expect(ring[32]).toEqual(ring[0]);
        const s = ringStats(ring);
        expect(s.area).toBeGreaterThan(0);
        expect(s.area * MPP * MPP).toBeCloseTo(areaUm2, 0); // 0.01 px rounding: well under 0.5 µm²
        expect(Math.abs(s.cx - d.x / MPP)).toBeLessThan(0.01);
        expect(Math.abs(s.cy - d.y / MPP)).toBeLessThan(0.01);
      }
    }
    // hand check: 120 µm² at 0.5 µm/px = 480 px², centred on (200, 100) px
    const s = ringStats(cellFeature(cells[0], 0, opts).geometry.coordinates[0]);
    expect(s.area).toBeCloseTo(480, 0);
    expect(s.cx).toBeCloseTo(200, 2);
    expect(s.cy).toBeCloseTo(100, 2);
  });

  it('classifies by grade with QuPath colours and writes QuPath measurement names with units', () => {
    const f = cellFeature(cells[2], 2, opts);
    expect(f.properties.classification).toEqual({ name: '2+', color: [225, 150, 50] });
    expect(cellFeature(cells[0], 0, opts).properties.classification).toEqual({ name: 'Negative', color: [90, 90, 180] });
    expect(cellFeature(cells[1], 1, opts).properties.classification).toEqual({ name: '1+', color: [255, 215, 0] });
    expect(cellFeature(cells[3], 3, opts).properties.classification).toEqual({ name: '3+', color: [200, 50, 50] });
    expect(f.properties.measurements).toEqual({
      'Nucleus: Area µm^2': 40,
      'Nucleus: Hematoxylin OD mean': 0.35,
      'Nucleus: DAB OD mean': 0.05,
      'Cytoplasm: DAB OD mean': 0.5,
      'Cell: Area µm^2': 120,
      'Cell: DAB OD mean': 0.48,
    });
  });

  it('a detection without a cell area is a plain detection drawn from its nucleus', () => {
    const f = cellFeature(cell(10, 10, 0, { cellAreaUm2: 0 }), 0, opts);
    expect(f.properties.objectType).toBe('detection');
    expect(f.nucleusGeometry).toBeUndefined();
    expect(ringStats(f.geometry.coordinates[0]).area * MPP * MPP).toBeCloseTo(40, 0);
  });

  it('draws fibres from their contour (µm → px, made counter-clockwise) or as a circle, classified by MHC-I', () => {
    // a 20 × 10 µm rectangle given clockwise in coordinate space and already closed
    const contour = [{ x: 10, y: 10 }, { x: 10, y: 20 }, { x: 30, y: 20 }, { x: 30, y: 10 }, { x: 10, y: 10 }];
    const f = fibreFeature({ id: 3, x: 20, y: 15, areaUm2: 200, minFeretUm: 10, ringDab: 0.02, interiorDab: 0.3, contour }, 0, opts);
    const ring = f.geometry.coordinates[0];
    expect(ring).toHaveLength(5);
    expect(ring[4]).toEqual(ring[0]);
    expect(new Set(ring.slice(0, 4).map(String))).toEqual(new Set(['20,20', '20,40', '60,40', '60,20']));
    const s = ringStats(ring);
    expect(s.area).toBe(800); // 200 µm² / 0.25
    expect([s.cx, s.cy]).toEqual([40, 30]);
    expect(f.properties.name).toBe('Fibre 3');
    // interior 0.3 ≥ 0.2 (MHC1_THRESHOLDS) → positive without an explicit flag
    expect(f.properties.classification).toEqual({ names: ['Fibre', 'MHC-I positive'], color: [200, 50, 50] });
    expect(f.properties.measurements).toEqual({ 'Area µm^2': 200, 'Min diameter µm': 10, 'Ring: DAB OD mean': 0.02, 'Interior: DAB OD mean': 0.3 });

    const neg = fibreFeature({ id: 4, x: 100, y: 100, areaUm2: 2000, minFeretUm: 45, ringDab: 0.05, interiorDab: 0.1 }, 1, opts);
    expect(neg.properties.classification.names).toEqual(['Fibre', 'MHC-I negative']);
    const c = ringStats(neg.geometry.coordinates[0]);
    expect(c.area).toBeCloseTo(8000, 0);
    expect(c.cx).toBeCloseTo(200, 2);
    // an explicit flag wins over the thresholds
    const flagged = fibreFeature({ id: 5, x: 100, y: 100, areaUm2: 2000, minFeretUm: 45, ringDab: 0.05, interiorDab: 0.1, mhc1Positive: true }, 2, opts);
    expect(flagged.properties.classification.names).toEqual(['Fibre', 'MHC-I positive']);
  });

  it('takes a stored FibreRecord as it is: [x, y] contour pairs, nucleus counts and perifascicular flag as measurements', () => {
    const record: FibreRecord = {
      x: 20, y: 15, areaUm2: 200, minFeretUm: 10, ringDab: 0.12, interiorDab: 0.01,
      peripheralNuclei: 4, internalNuclei: 1, perifascicular: true,
      contour: [[10, 10], [30, 10], [30, 20], [10, 20]],
    };
    const f = fibreFeature(record, 0, opts);
    expect(f.geometry.coordinates[0]).toEqual([[20, 20], [60, 20], [60, 40], [20, 40], [20, 20]]);
    expect(ringStats(f.geometry.coordinates[0]).area).toBe(800);
    expect(f.properties.name).toBeUndefined();
    // ring 0.12 ≥ 0.1 (MHC1_THRESHOLDS.ring): sarcolemmal staining makes it positive
    expect(f.properties.classification.names).toEqual(['Fibre', 'MHC-I positive']);
    expect(f.properties.measurements).toEqual({
      'Area µm^2': 200, 'Min diameter µm': 10, 'Ring: DAB OD mean': 0.12, 'Interior: DAB OD mean': 0.01,
      'Peripheral nuclei': 4, 'Internal nuclei': 1, Perifascicular: 1,
    });
  });

  it('names the bad object or option in its errors', () => {
    expect(() => cellFeature(cell(1, 1, 0), 0, { slide: 's', mppUm: 0 })).toThrow(MetadataError);
    expect(() => collection([cell(1, 1, 0), cell(1, 1, 0, { nucleusAreaUm2: 0, cellAreaUm2: 0 })])).toThrow(/detection 1: nucleus and cell areas are both 0/);
    expect(() => collection([cell(1, 1, 5)])).toThrow(AnalysisError);
    expect(() => collection([cell(1, 1, 5)])).toThrow(/detection 0: grade/);
    expect(() => fibreFeature({ id: 1, x: 0, y: 0, areaUm2: 10, minFeretUm: 1, ringDab: 0, interiorDab: 0, contour: [{ x: 0, y: 0 }, { x: 1, y: 1 }] }, 4, opts))
      .toThrow(/fibre 4: contour has 2 distinct points/);
  });

  it('streams 100k detections through a Writable with one feature per detection', async () => {
    const n = 100_000;
    const many = function* (): Generator<Detection> {
      for (let i = 0; i < n; i++) yield cell((i % 1000) * 20, Math.floor(i / 1000) * 20, i % 4);
    };
    let bytes = 0;
    let features = 0;
    let tail = '';
    let chunks = 0;
    const sink = new Writable({
      highWaterMark: 1 << 16,
      write(chunk: Buffer, _enc, done) {
        const s = tail + chunk.toString('utf8');
        features += (s.match(/"type":"Feature",/g) ?? []).length;
        tail = s.slice(-20); // a marker split across chunks is counted once: it is whole only in `s`
        features -= (tail.match(/"type":"Feature",/g) ?? []).length;
        bytes += chunk.length;
        chunks++;
        done();
      },
      final(done) {
        features += (tail.match(/"type":"Feature",/g) ?? []).length;
        done();
      },
    });
    await writeQupathGeoJson(sink, many(), opts);
    expect(features).toBe(n);
    expect(chunks).toBeGreaterThan(n);
    expect(bytes).toBeGreaterThan(n * 1000);
  }, 60_000);
});
