import { describe, expect, it } from 'vitest';
import { StoreInputError } from '../../src/errors/index.js';
import type { ManualScoreInput } from '../../src/domain/manual-score.js';
import type { Store } from '../../src/store/store.js';

/** Two raters' reads of three slides, spelled as people type markers and timepoints. */
const READS: ManualScoreInput[] = [
  { patient: 'P01', timepoint: 'baseline', marker: 'cd163', rater: 'dr.a', date: '2025-03-01', score: 'density', value: 310.5, source: 'reads.csv row 2' },
  { patient: 'P01', timepoint: 'M6', marker: 'CD163', rater: 'dr.a', date: '2025-03-01', score: 'density', value: 58, source: 'reads.csv row 3' },
  { patient: 'P01', timepoint: 'baseline', marker: 'CD-163', rater: 'dr.b', date: '2025-03-02', score: 'density', value: 280, source: 'reads.csv row 4' },
  { patient: 'P02', timepoint: 'baseline', marker: 'MHC-I', rater: 'dr.b', date: '2025-03-02', score: 'mhc1Grade', value: 3, source: 'reads.csv row 5' },
];

/**
 * Manual reads (issue 17), required of every backend like the rest of the store; run inside the
 * cohort suite, on its database (the reads belong to the cohort, and a database of their own
 * would cost another start-up).
 */
export function manualScoresTests(storeOf: () => Store): void {
  describe('manual reads', () => {
    let store: Store;
    it('starts with none', async () => {
      store = storeOf();
      expect(await store.listManualScores()).toEqual([]);
    });

    it('stores reads per rater under canonical names and lists them by score, marker and rater', async () => {
      expect(await store.importManualScores(READS)).toEqual({ stored: 4, replaced: 0, raters: ['dr.a', 'dr.b'] });
      const density = await store.listManualScores({ score: 'density' });
      expect(density.map((r) => [r.patient, r.timepoint, r.marker, r.rater, r.value, r.date])).toEqual([
        ['P01', 'baseline', 'CD163', 'dr.a', 310.5, '2025-03-01'],
        ['P01', 'baseline', 'CD163', 'dr.b', 280, '2025-03-02'],
        ['P01', 'month-6', 'CD163', 'dr.a', 58, '2025-03-01'],
      ]);
      expect((await store.listManualScores({ raters: ['dr.b'], marker: 'mhc-1' })).map((r) => [r.score, r.value])).toEqual([['mhc1Grade', 3]]);
      expect(await store.listManualScores()).toHaveLength(4);
    });

    it('replaces a read of the same slide, rater and score, keeping the others', async () => {
      const again = { ...READS[0], value: 300, date: '2025-04-01', source: 'reread.csv row 2' };
      expect(await store.importManualScores([again])).toEqual({ stored: 1, replaced: 1, raters: ['dr.a'] });
      const rows = await store.listManualScores({ score: 'density', raters: ['dr.a'] });
      expect(rows.map((r) => [r.timepoint, r.value, r.date, r.source])).toEqual([
        ['baseline', 300, '2025-04-01', 'reread.csv row 2'],
        ['month-6', 58, '2025-03-01', 'reads.csv row 3'],
      ]);
    });

    it('stores nothing when one read is invalid or given twice', async () => {
      const before = await store.listManualScores();
      const fresh = { ...READS[0], patient: 'P09' };
      await expect(store.importManualScores([fresh, { ...READS[1], patient: 'P09', rater: 'tool' }])).rejects.toThrow(StoreInputError);
      await expect(store.importManualScores([fresh, { ...READS[1], patient: 'P09', value: Number.NaN }])).rejects.toThrow(/value/);
      await expect(store.importManualScores([fresh, { ...fresh, value: 1 }])).rejects.toThrow(/dr\.a read density of P09:baseline:CD163 twice/);
      expect(await store.listManualScores()).toEqual(before);
    });
  });
}
