import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifest } from '../../src/cli/read-manifest.js';
import { scoresQuery } from '../../src/cli/scores-command.js';
import { MetadataError } from '../../src/errors/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-cli-names-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('CLI names are canonical where they enter', () => {
  it('a manifest (analyze, submit, demo) gives canonical markers and timepoints; an unknown stain as given', async () => {
    const file = path.join(dir, 'manifest.json');
    await writeFile(file, JSON.stringify({
      slides: [
        { file: 'a.tif', patient: 'P01', timepoint: 'M6', marker: 'CD-163' },
        { file: 'b.tif', patient: 'P01', timepoint: 'month 12', marker: 'il1ra', mpp: 0.5 },
        { file: 'c.tif', timepoint: 'week 3', marker: 'Ki-67' },
      ],
    }));
    expect((await readManifest(file)).map((e) => e.metadata)).toEqual([
      { patient: 'P01', timepoint: 'month-6', marker: 'CD163' },
      { patient: 'P01', timepoint: 'month-12', marker: 'IL-1Ra', mpp: 0.5 },
      { timepoint: 'week 3', marker: 'Ki-67' },
    ]);
  });

  it('scores --marker / --timepoint / --biopsy ask the API for the canonical names', () => {
    expect(scoresQuery({ marker: 'cd-163', timepoint: 'M6', format: 'table' }).toString()).toBe('marker=CD163&timepoint=month-6&format=json');
    expect(scoresQuery({ biopsy: 'P01:M0', slide: '7', format: 'csv' }).toString()).toBe('slide=7&biopsy=P01%3Abaseline&format=csv');
    // --signed-off asks the API for signed-off analyses only
    expect(scoresQuery({ marker: 'CD163', format: 'json', signedOff: true }).toString()).toBe('marker=CD163&format=json&signedOff=true');
    expect(() => scoresQuery({ biopsy: 'P01', format: 'json' })).toThrow(MetadataError);
    expect(() => scoresQuery({ biopsy: 'P01', format: 'json' })).toThrow('--biopsy: must be <patient>:<timepoint>');
  });
});
