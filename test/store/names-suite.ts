import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha } from './fixtures.js';
import type { OpenedStore } from './store-suite.js';

interface NameRow {
  id: number;
  marker: string | null;
  timepoint: string | null;
  metadata: Record<string, unknown>;
}

/**
 * Rows stored before names were made canonical at the door kept the spelling the pathologist
 * typed. Running the migrations rewrites them with the registry's ids and the study's timepoints,
 * in the columns the score filters use and in the metadata kept as submitted.
 */
export function namesSuite(name: string, open: () => Promise<OpenedStore>): void {
  describe(`stored names made canonical on ${name}`, () => {
    let db: OpenedStore;
    beforeAll(async () => {
      db = await open();
      // as the code before canonical names wrote them (the schema is the same): straight SQL,
      // because the store's own inputs would now make them canonical
      const slide = (key: string, marker: string | null, timepoint: string | null) =>
        db.sql(
          `INSERT INTO slides (sha256, path, format, width, height, mpp, mpp_source, patient, timepoint, marker, metadata)
           VALUES ($1, $2, 'tiff', 100, 100, 0.25, 'file', 'P01', $3, $4, $5)`,
          [sha(key), `/slides/${key}.tif`, timepoint, marker, JSON.stringify({ patient: 'P01', ...(marker === null ? {} : { marker }), ...(timepoint === null ? {} : { timepoint }) })],
        );
      await slide('hyphen', 'CD-163', 'M6');
      await slide('lower', 'cd163', 'month 6');
      await slide('alias', 'CD163 macrophages', 'Baseline');
      await slide('canonical', 'CD163', 'month-12');
      await slide('unknown', 'Ki-67', 'week 3');
      await slide('greek', 'IL-1β', null);
      await db.sql(
        `INSERT INTO slide_failures (path, error, patient, timepoint, marker, metadata) VALUES ('/slides/broken.tif', 'truncated', 'P02', 'm12', 'mhc1', $1)`,
        [JSON.stringify({ patient: 'P02', timepoint: 'm12', marker: 'mhc1' })],
      );
      const [batch] = await db.sql<{ id: number }>(`INSERT INTO batches (created_by, params, params_hash) VALUES ('cli', '{}', 'x') RETURNING id`);
      await db.sql(`INSERT INTO batch_slides (batch_id, position, path, metadata) VALUES ($1, 0, '/slides/queued.tif', $2)`, [
        batch.id,
        JSON.stringify({ patient: 'P03', timepoint: 'M0', marker: 'IL1RA', mpp: 0.5 }),
      ]);
    });
    afterAll(async () => {
      await db?.cleanup();
    });

    const slides = () =>
      db.sql<NameRow & { path: string }>('SELECT id, path, marker, timepoint, metadata FROM slides ORDER BY id');

    it('rewrites markers and timepoints to their canonical names, columns and metadata alike; unknown names stay as given', async () => {
      const files = await db.sql<{ version: number }>('SELECT max(version)::int AS version FROM schema_migrations');
      expect(await db.migrateAgain()).toEqual({ applied: [], version: files[0].version });
      const rows = await slides();
      expect(rows.map((r) => [r.path, r.marker, r.timepoint, r.metadata])).toEqual([
        ['/slides/hyphen.tif', 'CD163', 'month-6', { patient: 'P01', marker: 'CD163', timepoint: 'month-6' }],
        ['/slides/lower.tif', 'CD163', 'month-6', { patient: 'P01', marker: 'CD163', timepoint: 'month-6' }],
        ['/slides/alias.tif', 'CD163', 'baseline', { patient: 'P01', marker: 'CD163', timepoint: 'baseline' }],
        ['/slides/canonical.tif', 'CD163', 'month-12', { patient: 'P01', marker: 'CD163', timepoint: 'month-12' }],
        ['/slides/unknown.tif', 'Ki-67', 'week 3', { patient: 'P01', marker: 'Ki-67', timepoint: 'week 3' }],
        ['/slides/greek.tif', 'IL-1b', null, { patient: 'P01', marker: 'IL-1b' }],
      ]);
      expect(await db.sql('SELECT marker, timepoint, metadata FROM slide_failures')).toEqual([
        { marker: 'MHC-I', timepoint: 'month-12', metadata: { patient: 'P02', timepoint: 'month-12', marker: 'MHC-I' } },
      ]);
      expect(await db.sql('SELECT metadata FROM batch_slides')).toEqual([{ metadata: { patient: 'P03', timepoint: 'baseline', marker: 'IL-1Ra', mpp: 0.5 } }]);
      // the score filter finds all three CD163 spellings under the one name
      const cd163 = await db.sql<{ n: number }>(`SELECT count(*)::int AS n FROM slides WHERE marker = 'CD163'`);
      expect(cd163[0].n).toBe(4);
    });

    it('running the migrations again changes nothing', async () => {
      const before = await slides();
      await db.migrateAgain();
      expect(await slides()).toEqual(before);
    });
  });
}
