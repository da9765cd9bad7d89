import { describe, expect, it } from 'vitest';
import { detectorRealismCases, detectorRealismFailures, DETECTOR_REALISM_CONDITIONS, summariseDetectorRealism, type DetectorRealismRow } from '../../src/eval/detector-realism.js';
import type { LabRealismRow } from '../../src/eval/lab-realism.js';

const row = (f1: number, precision: number, recall: number, hErr: number): LabRealismRow =>
  ({ nuclei: { truth: 100, found: 100, f1, precision, recall }, hScore: { found: 50 + hErr, truth: 50, error: hErr } }) as LabRealismRow;
const pair = (condition: string, c: LabRealismRow, m: LabRealismRow): DetectorRealismRow => ({ condition, case: { seed: 5000, kind: 'cells', marker: 'CD8' }, classical: c, model: m });

describe('detector realism: cases, summary and bars', () => {
  it('gives every condition the same held-out cell slides, the same field at every scan pixel size', () => {
    const items = detectorRealismCases(DETECTOR_REALISM_CONDITIONS, 1, 1024);
    const per = items.length / DETECTOR_REALISM_CONDITIONS.length;
    expect(per).toBe(9);
    for (const k of DETECTOR_REALISM_CONDITIONS) {
      const mine = items.filter((i) => i.condition === k.name);
      expect(mine.map((i) => i.c.seed)).toEqual(items.slice(0, per).map((i) => i.c.seed));
      for (const i of mine) {
        expect(i.c.seed).toBeGreaterThanOrEqual(5000);
        expect(i.size * (k.mpp ?? 0.5)).toBe(512);
      }
    }
  });

  it('averages per condition and applies the issue-15 bars to the model', () => {
    const rows = [pair('a', row(0.99, 0.99, 0.99, 2), row(0.985, 0.98, 0.99, 4)), pair('a', row(0.97, 0.95, 0.99, 3), row(0.975, 0.97, 0.98, 12)), pair('b', row(0.99, 1, 0.98, 1), row(0.97, 1, 0.94, 1))];
    const [a, b] = summariseDetectorRealism(rows);
    expect(a.slides).toBe(2);
    expect(a.model.f1).toBeCloseTo(0.98, 12);
    expect(a.classical.f1).toBeCloseTo(0.98, 12);
    expect(a.model.hScoreErr).toBeCloseTo(8, 12);
    expect(a.model.maxHScoreErr).toBe(12);
    expect(detectorRealismFailures(a)).toEqual(['model H-score off by up to 12.0 points']);
    expect(detectorRealismFailures(b)).toEqual(['model F1 0.970 below classical 0.990 by more than 0.01']);
  });
});
