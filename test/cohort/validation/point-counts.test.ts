import { describe, expect, it } from 'vitest';
import { countQupathPoints, pointRead } from '../../../src/cohort/validation/point-counts.js';

/** What QuPath's Points tool exports: one MultiPoint per class, plus a region annotation. */
const QUPATH = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', geometry: { type: 'MultiPoint', coordinates: [[10, 10], [20, 20], [30, 30]] }, properties: { objectType: 'annotation', classification: { name: 'Positive', color: [200, 0, 0] } } },
    { type: 'Feature', geometry: { type: 'MultiPoint', coordinates: [[40, 40], [50, 50]] }, properties: { objectType: 'annotation', classification: { name: 'Negative' } } },
    { type: 'Feature', geometry: { type: 'Point', coordinates: [60, 60] }, properties: { objectType: 'annotation' } },
    { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [100, 0], [100, 100], [0, 0]]] }, properties: { objectType: 'annotation', classification: { name: 'Region*' } } },
  ],
});

describe('QuPath point counts', () => {
  it('counts points per class and only the chosen classes', () => {
    expect(countQupathPoints(QUPATH, 'p01.geojson')).toEqual({ ok: true, counts: { count: 6, byClass: { Positive: 3, Negative: 2, '(no class)': 1 } } });
    const positive = countQupathPoints(QUPATH, 'p01.geojson', ['positive']);
    expect(positive.ok && positive.counts.count).toBe(3);
  });

  it('turns a count into a read: itself for a count score, per mm² of the area for a density', () => {
    const counts = { count: 30, byClass: { Positive: 30 } };
    const slide = { patient: 'P01', timepoint: 'baseline', marker: 'CD163', rater: 'dr.a', date: '2025-03-01' };
    const base = { file: 'p01.geojson', ...slide };
    const density = pointRead(counts, { ...base, score: 'density', areaMm2: 0.25, classes: ['Positive'] });
    expect(density).toEqual({ ok: true, read: { ...slide, score: 'density', value: 120, source: 'p01.geojson: 30 points classes Positive over 0.2500 mm²' } });
    expect(pointRead(counts, { ...base, score: 'positiveCells' })).toMatchObject({ ok: true, read: { value: 30 } });
    expect(pointRead(counts, { ...base, score: 'density' })).toEqual({ ok: false, issues: [{ file: 'p01.geojson', row: null, field: 'area', message: expect.stringMatching(/per mm²/) }] });
    expect(pointRead(counts, { ...base, score: 'hScore' })).toMatchObject({ ok: false, issues: [{ field: 'score' }] });
  });

  it('names the file, the feature and the field of a problem', () => {
    const bad = JSON.stringify([{ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] }, properties: {} }, { type: 'Feature', geometry: { type: 'MultiPoint', coordinates: [[1, 'x']] }, properties: {} }]);
    expect(countQupathPoints(bad, 'p02.geojson')).toEqual({ ok: false, issues: [{ file: 'p02.geojson', row: 2, field: 'geometry.coordinates', message: 'a MultiPoint needs [x, y] number positions' }] });
    expect(countQupathPoints('{"type":', 'p03.geojson')).toMatchObject({ ok: false, issues: [{ file: 'p03.geojson', row: null, field: null, message: expect.stringMatching(/^not JSON/) }] });
    expect(countQupathPoints(QUPATH, 'p01.geojson', ['Tumour'])).toEqual({ ok: false, issues: [{ file: 'p01.geojson', row: null, field: 'class', message: 'no points of class "tumour"; the file has Positive, Negative, (no class)' }] });
    const noPoints = JSON.stringify({ type: 'FeatureCollection', features: [] });
    expect(countQupathPoints(noPoints, 'p04.geojson')).toMatchObject({ ok: false, issues: [{ message: expect.stringMatching(/no Point or MultiPoint/) }] });
  });
});
