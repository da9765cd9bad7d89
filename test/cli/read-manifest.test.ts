import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest, readManifestEntries } from '../../src/cli/read-manifest.js';
import { runSlides } from '../../src/cli/run-slides.js';
import { inlineExecutor } from '../../src/pipeline/executor.js';

// Issue 14 (bad metadata fails only that item): one manifest entry with an absurd µm/px does not
// refuse the batch; that slide fails alone with a message naming the entry and the field.
let dir: string;
let manifest: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-manifest-'));
  manifest = path.join(dir, 'manifest.json');
  await writeFile(
    manifest,
    JSON.stringify({ slides: [{ file: 'a.tif', patient: 'P01', mpp: 0.5 }, { file: 'b.tif', mpp: -1 }, { patient: 'P03' }] }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a manifest with bad entries', () => {
  it('keeps the good entries and refuses each bad one by itself', async () => {
    const entries = await readManifestEntries(manifest);
    expect(entries[0]).toEqual({ path: path.join(dir, 'a.tif'), metadata: { patient: 'P01', mpp: 0.5 }, truthPath: undefined });
    expect(entries[1]).toEqual({ path: path.join(dir, 'b.tif'), error: expect.stringMatching(new RegExp(`^${path.join(dir, 'b.tif')}: bad metadata in manifest .*manifest\\.json: slides\\.1\\.mpp: `)) });
    expect(entries[2]).toMatchObject({ path: `${manifest} slide 3`, error: expect.stringContaining('manifest.json: slides.2.file: ') });
    // the shipped-manifest reader still refuses the whole file, naming every bad entry
    await expect(readManifest(manifest)).rejects.toThrow(/slides\.1\.mpp: .*slides\.2\.file: /);
  });

  it('fails a refused entry alone as a METADATA error, without reading the file', async () => {
    const executor = inlineExecutor();
    const entries = await readManifestEntries(manifest);
    const refused = entries.filter((e) => 'error' in e).map((e) => ({ path: e.path, metadata: {}, refused: (e as { error: string }).error }));
    const outcomes = await runSlides(refused, { params: {}, executor, progress: false });
    expect(outcomes.map((o) => (o.ok ? 'ok' : o.code))).toEqual(['METADATA', 'METADATA']);
    expect(outcomes[0].ok ? '' : outcomes[0].error).toBe((entries[1] as { error: string }).error);
    await executor.close();
  });
});
