import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlideFormatError } from '../../src/errors/index.js';
import { fileSha256, slideSha256 } from '../../src/store/fingerprint.js';

describe('fileSha256', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bq-fingerprint-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('matches the FIPS 180-2 test vector for "abc"', async () => {
    await writeFile(join(dir, 'abc'), 'abc');
    expect(await fileSha256(join(dir, 'abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes a file larger than one read chunk the same as hashing it whole', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    await writeFile(join(dir, 'big'), bytes);
    expect(await fileSha256(join(dir, 'big'))).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('names the file when it cannot be read', async () => {
    const missing = join(dir, 'nope.svs');
    await expect(fileSha256(missing)).rejects.toBeInstanceOf(SlideFormatError);
    await expect(fileSha256(missing)).rejects.toThrow(`cannot read slide file ${missing}: no such file`);
    await expect(fileSha256(dir)).rejects.toThrow(/it is a directory/);
  });
});

describe('slideSha256', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bq-fingerprint-dir-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is the file hash for a file, and for a folder the hash over its files as name, NUL, bytes, NUL in name order', async () => {
    await writeFile(join(dir, 'one.dcm'), 'abc');
    expect(await slideSha256(join(dir, 'one.dcm'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const series = join(dir, 'series');
    await mkdir(series);
    await writeFile(join(series, 'b.dcm'), 'level 1');
    await writeFile(join(series, 'a.dcm'), 'level 0');
    const expected = createHash('sha256').update('a.dcm\0level 0\0b.dcm\0level 1\0').digest('hex');
    expect(await slideSha256(series)).toBe(expected);
    // a changed level makes a new slide
    await writeFile(join(series, 'b.dcm'), 'level 1!');
    expect(await slideSha256(series)).not.toBe(expected);
  });

  it('refuses an empty folder and names a missing path', async () => {
    await mkdir(join(dir, 'empty'));
    await expect(slideSha256(join(dir, 'empty'))).rejects.toThrow(`cannot read slide folder ${join(dir, 'empty')}: it holds no files`);
    await expect(slideSha256(join(dir, 'gone'))).rejects.toThrow(/no such file/);
  });
});
