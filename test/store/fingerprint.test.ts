import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlideFormatError } from '../../src/errors/index.js';
import { fileSha256, filesSha256 } from '../../src/store/fingerprint.js';

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

  it('a multi-file slide (MRXS) hashes its files one after another; one file hashes as fileSha256', async () => {
    await writeFile(join(dir, 'Slidedat.ini'), '[GENERAL]\r\nSLIDE_ID = a');
    await writeFile(join(dir, 'other.ini'), '[GENERAL]\r\nSLIDE_ID = b');
    await writeFile(join(dir, 'slide.mrxs'), 'same placeholder');
    expect(await filesSha256([join(dir, 'abc')])).toBe(await fileSha256(join(dir, 'abc')));
    const a = await filesSha256([join(dir, 'slide.mrxs'), join(dir, 'Slidedat.ini')]);
    expect(a).toBe(createHash('sha256').update('same placeholder[GENERAL]\r\nSLIDE_ID = a').digest('hex'));
    // two MRXS with byte-identical .mrxs files are still two slides
    expect(await filesSha256([join(dir, 'slide.mrxs'), join(dir, 'other.ini')])).not.toBe(a);
  });
});
