import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fromFile } from 'geotiff';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlideFormatError } from '../../src/errors/index.js';
import { tiffIfdChain } from '../../src/slide/tiff-ifd-chain.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';
import { tiffWithChain } from '../../src/synthetic/hostile-tiff.js';

let dir: string;
const f = (name: string) => path.join(dir, name);
const chainOf = async (name: string) => tiffIfdChain(f(name), (await stat(f(name))).size);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-ifd-chain-'));
  await writeFile(f('three.tif'), tiffWithChain(3, (k, o) => (k < 2 ? o[k + 1] : 0)));
  await writeFile(f('self-loop.tif'), tiffWithChain(1, (_k, o) => o[0]));
  await writeFile(f('back-loop.tif'), tiffWithChain(3, (k, o) => (k < 2 ? o[k + 1] : o[1])));
  await writeFile(f('past-end.tif'), tiffWithChain(2, (k, o) => (k === 0 ? o[1] : 1 << 30)));
  await writeFile(f('description-bomb.tif'), tiffWithChain(1, () => 0, { descriptionBytes: 0x7fffffff }));
  await writeFile(f('description.tif'), tiffWithChain(1, () => 0, { descriptionBytes: 6 }));
  await writeSyntheticSlide(makeScene({ seed: 5, width: 1100, height: 700 }), f('pyramid.tif'), 'pyramidal-tiff');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the TIFF image directory chain, walked before geotiff follows it', () => {
  it('answers every directory of a good file, as many as geotiff counts', async () => {
    expect(await chainOf('three.tif')).toEqual([8, 8 + 1 * (2 + 9 * 12 + 4 + 768), 8 + 2 * (2 + 9 * 12 + 4 + 768)]);
    const pyramid = await chainOf('pyramid.tif');
    const tiff = await fromFile(f('pyramid.tif'));
    expect(pyramid.length).toBe(await tiff.getImageCount());
    expect(pyramid.length).toBeGreaterThan(1);
    await tiff.close();
  });

  it('refuses a directory pointing back at itself or at an earlier one, naming both', async () => {
    await expect(chainOf('self-loop.tif')).rejects.toThrow(SlideFormatError);
    await expect(chainOf('self-loop.tif')).rejects.toThrow(`${f('self-loop.tif')}: the TIFF's image directories loop (directory 1 points back to offset 8, directory 0's); the file is corrupt`);
    await expect(chainOf('back-loop.tif')).rejects.toThrow(/directory 3 points back to offset \d+, directory 1's/);
  });

  it('refuses a tag whose values lie past the end of the file (geotiff allocated a 2 GB description for it)', async () => {
    await expect(chainOf('description-bomb.tif')).rejects.toThrow(
      `${f('description-bomb.tif')}: TIFF image directory 0 declares 2147483647 values of tag 270 (2147483647 bytes at offset 8), past the end of the file (${(await stat(f('description-bomb.tif'))).size} bytes); the file is truncated or corrupt`,
    );
    expect(await chainOf('description.tif')).toEqual([8]);
  });

  it('refuses an entry larger than any slide needs, even inside the file', async () => {
    // MAX_TAG_BYTES is 64 MiB; the same rule with a 4-byte limit on a 6-byte description
    await expect(tiffIfdChain(f('description.tif'), (await stat(f('description.tif'))).size, 4)).rejects.toThrow(
      `${f('description.tif')}: TIFF image directory 0 holds 6 bytes in tag 270, more than the 4 any slide needs; the file is corrupt or hostile`,
    );
  });

  it('refuses a next directory outside the file', async () => {
    await expect(chainOf('past-end.tif')).rejects.toThrow(/TIFF image directory 2 lies at offset 1073741824, outside the file \(\d+ bytes\)/);
  });
});
