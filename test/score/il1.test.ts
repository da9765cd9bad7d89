import { describe, expect, it } from 'vitest';
import { AnalysisError } from '../../src/errors/index.js';
import { Il1Scores, scoreIl1 } from '../../src/score/il1.js';

const none = { pctPositiveArea: 0, pixelHScore: 0, positiveCellsPerMm2: 0 };

describe('IL-1 expressed call', () => {
  it('is false on unstained tissue and carries the inputs and thresholds through', () => {
    const s = scoreIl1({ pctPositiveArea: 0.05, pixelHScore: 1.2, positiveCellsPerMm2: 2 });
    expect(s.expressed).toBe(false);
    expect(s.expressedBy).toEqual([]);
    expect(s.pixelHScore).toBe(1.2);
    expect(s.thresholds).toEqual({ minPctPositiveArea: 1, minPositiveCellsPerMm2: 10 });
    expect(Il1Scores.parse(s)).toEqual(s);
  });

  it('switches at the % positive area threshold (equal counts as expressed)', () => {
    expect(scoreIl1({ ...none, pctPositiveArea: 0.999 }).expressed).toBe(false);
    expect(scoreIl1({ ...none, pctPositiveArea: 1 }).expressedBy).toEqual(['area']);
    expect(scoreIl1({ ...none, pctPositiveArea: 1.001 }).expressed).toBe(true);
  });

  it('switches at the positive cells/mm² threshold on its own', () => {
    expect(scoreIl1({ ...none, positiveCellsPerMm2: 9.99 }).expressed).toBe(false);
    expect(scoreIl1({ ...none, positiveCellsPerMm2: 10 }).expressedBy).toEqual(['cells']);
    expect(scoreIl1({ pctPositiveArea: 3, pixelHScore: 5, positiveCellsPerMm2: 40 }).expressedBy).toEqual(['area', 'cells']);
  });

  it('takes thresholds as parameters', () => {
    const input = { pctPositiveArea: 2, pixelHScore: 4, positiveCellsPerMm2: 5 };
    expect(scoreIl1(input).expressed).toBe(true);
    expect(scoreIl1(input, { minPctPositiveArea: 2.5 }).expressed).toBe(false);
    expect(scoreIl1(input, { minPctPositiveArea: 2.5, minPositiveCellsPerMm2: 5 }).expressedBy).toEqual(['cells']);
  });

  it('reproduces the study proportions on a cohort: 7/7 responders vs 3/8 non-responders', () => {
    const responders = [1.4, 2.2, 5.0, 1.0, 3.3, 8.1, 1.7].map((a) => ({ ...none, pctPositiveArea: a }));
    const non = [0.1, 0.4, 0.9, 0.0, 0.2, 1.2, 2.5].map((a) => ({ ...none, pctPositiveArea: a }));
    non.push({ ...none, pctPositiveArea: 0.3, positiveCellsPerMm2: 12 });
    expect(responders.filter((r) => scoreIl1(r).expressed).length).toBe(7);
    expect(non.filter((r) => scoreIl1(r).expressed).length).toBe(3);
  });

  it('rejects impossible inputs with an AnalysisError instead of calling "not expressed"', () => {
    expect(() => scoreIl1({ ...none, pctPositiveArea: Number.NaN })).toThrow(AnalysisError);
    expect(() => scoreIl1({ ...none, pctPositiveArea: 120 })).toThrow(/pctPositiveArea/);
    expect(() => scoreIl1({ ...none, positiveCellsPerMm2: -1 })).toThrow(AnalysisError);
    expect(() => scoreIl1(none, { minPctPositiveArea: -1 })).toThrow(/thresholds/);
  });
});
