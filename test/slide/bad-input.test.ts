import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { MetadataError, SlideFormatError } from '../../src/errors/index.js';
import { openSlide } from '../../src/slide/open.js';
import { writeTiledTiff } from '../../src/slide/tiff-writer.js';
import { pngDeclaring } from '../fixtures/png-header.js';
import { pattern, rawSharp, tempDir } from './pattern.js';

const tmp = tempDir('bad');
afterAll(() => tmp.cleanup());

/** Open and read every level fully; return whatever error surfaces first. */
async function failure(path: string, meta?: { mpp?: number }): Promise<Error> {
  try {
    const slide = await openSlide(path, meta);
    for (const l of slide.levels) await slide.readRegion(l.index, 0, 0, l.width, l.height);
  } catch (err) {
    return err as Error;
  }
  throw new Error(`${path} opened and read without error`);
}

describe('bad slide files', () => {
  it('a pyramidal TIFF cut to 60% fails with a SlideFormatError naming the file and saying truncated', async () => {
    const whole = tmp.file('whole.tif');
    await rawSharp(pattern(1200, 900)).tiff({ tile: true, pyramid: true, compression: 'jpeg', xres: 2000, yres: 2000 }).toFile(whole);
    const bytes = readFileSync(whole);
    const path = tmp.file('cut.tif');
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const err = await failure(path);
    expect(err).toBeInstanceOf(SlideFormatError);
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/truncated/);
  });

  it('a file from our writer cut before its last level fails at open: tile data past the end of the file', async () => {
    const whole = tmp.file('writer-whole.tif');
    await writeTiledTiff(whole, [pattern(600, 400), pattern(300, 200, 2)], { tileSize: 128, compression: 'none', mpp: 0.5 });
    const bytes = readFileSync(whole);
    const path = tmp.file('writer-cut.tif');
    writeFileSync(path, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const err = await failure(path);
    expect(err).toBeInstanceOf(SlideFormatError);
    // our writer puts the directories after the tile data, so the first one is what the cut lost
    expect(bytes.toString('latin1', 0, 4)).toBe('II*\0');
    expect(err.message).toBe(`${path}: TIFF image directory 0 lies at offset ${bytes.readUInt32LE(4)}, outside the file (${Math.floor(bytes.length * 0.6)} bytes); the file is truncated or corrupt`);
  });

  it('tile data that runs past the end of the file is reported at open with byte counts', async () => {
    const path = tmp.file('past-end.tif');
    await writeTiledTiff(path, [pattern(300, 200)], { tileSize: 128, compression: 'none', mpp: 0.5 });
    const bytes = readFileSync(path);
    // classic little-endian TIFF: IFD offset at byte 4; 12-byte entries; TileByteCounts (325) is out of line
    const ifd = bytes.readUInt32LE(4);
    const entries = bytes.readUInt16LE(ifd);
    let countsAt = -1;
    for (let i = 0; i < entries; i++) if (bytes.readUInt16LE(ifd + 2 + i * 12) === 325) countsAt = bytes.readUInt32LE(ifd + 2 + i * 12 + 8);
    expect(countsAt).toBeGreaterThan(0);
    bytes.writeUInt32LE(bytes.length, countsAt + 5 * 4); // the last of 3×2 tiles
    writeFileSync(path, bytes);
    const err = await failure(path);
    expect(err).toBeInstanceOf(SlideFormatError);
    expect(err.message.startsWith(`${path}: TIFF image directory 0: tile 5 declares ${bytes.length} bytes at offset `)).toBe(true);
    expect(err.message.endsWith(`past the end of the file (${bytes.length} bytes); the file is truncated or corrupt`)).toBe(true);
  });

  it('an SVS whose tiles are tagged JPEG 2000 (Aperio 33005) but hold no JPEG 2000 fails at open with OpenSlide\'s reason', async () => {
    const path = tmp.file('jp2k.svs');
    await writeTiledTiff(path, [pattern(300, 200)], { tileSize: 128, compression: 'jpeg', description: 'Aperio Image Library v12.0.15\r\n300x200|MPP = 0.25' });
    const bytes = readFileSync(path);
    const ifd = bytes.readUInt32LE(4);
    for (let i = 0; i < bytes.readUInt16LE(ifd); i++) {
      const at = ifd + 2 + i * 12;
      if (bytes.readUInt16LE(at) === 259) bytes.writeUInt16LE(33005, at + 8); // Compression, stored inline
    }
    writeFileSync(path, bytes);
    const err = await failure(path);
    // JPEG 2000 SVS goes to OpenSlide (test/slide/openslide-formats.test.ts reads a real one exactly)
    expect(err).toBeInstanceOf(SlideFormatError);
    expect(err.message).toBe(`${path}: OpenSlide cannot open the slide: OpenJPEG error: Expected a SOC marker`);
  });

  it('corrupt JPEG tile data is caught at readRegion and wrapped, not leaked as a libvips error', async () => {
    const path = tmp.file('corrupt-tile.tif');
    await writeTiledTiff(path, [pattern(512, 256)], { tileSize: 256, compression: 'jpeg', mpp: 0.5 });
    const bytes = readFileSync(path);
    // wipe the first tile's quantisation table: libvips fails on that tile (garbage in the
    // entropy-coded data would decode silently to garbage pixels, as JPEG does everywhere)
    const dqt = bytes.indexOf(Buffer.from([0xff, 0xdb]), 8);
    bytes.fill(0xff, dqt, dqt + 70);
    writeFileSync(path, bytes);
    const slide = await openSlide(path);
    const err = await slide.readRegion(0, 0, 0, 256, 256).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(SlideFormatError);
    expect((err as Error).message).toBe(`${path}: cannot decode level 0 region at (0, 0) size 256×256: the file is truncated or corrupt`);
    expect((err as Error).cause).toBeInstanceOf(Error); // libvips' own text kept for logs
    // the undamaged second tile still reads
    expect((await slide.readRegion(0, 256, 0, 256, 256)).width).toBe(256);
  });

  it.each(['png', 'jpeg'] as const)('a %s cut to 60%% opens (header intact) and fails at readRegion with a wrapped error', async (kind) => {
    const whole = await rawSharp(pattern(400, 300))[kind]().toBuffer();
    const path = tmp.file(`cut.${kind}`);
    writeFileSync(path, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const slide = await openSlide(path, { mpp: 0.5 });
    const err = await slide.readRegion(0, 0, 250, 50, 50).catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(SlideFormatError);
    expect((err as Error).message).toBe(`${path}: cannot decode level 0 region at (0, 0) size 400×300: the file is truncated or corrupt`);
  });

  it('random bytes named .tif: not a supported slide format, with the magic bytes', async () => {
    const path = tmp.file('random.tif');
    writeFileSync(path, Buffer.from([0x13, 0x37, 0xca, 0xfe, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]));
    const err = await failure(path);
    expect(err).toBeInstanceOf(SlideFormatError);
    expect(err.message).toBe(
      `${path}: not a supported slide format (its first bytes are 13 37 ca fe 00 01 02 03); expected PNG, JPEG, TIFF/BigTIFF, SVS, OME-TIFF, NDPI, MRXS, SCN, BIF, Philips TIFF, VMS or DICOM`,
    );
  });

  it('an empty file says so', async () => {
    const path = tmp.file('empty.svs');
    writeFileSync(path, Buffer.alloc(0));
    expect((await failure(path)).message).toMatch(/not a supported slide format \(the file is empty\)/);
  });

  it('a PNG declaring 2,000,000 × 2,000,000 is refused before decoding, with dimensions and limit', async () => {
    const path = tmp.file('huge.png');
    writeFileSync(path, pngDeclaring(2_000_000, 2_000_000));
    const err = await failure(path, { mpp: 0.5 });
    expect(err).toBeInstanceOf(SlideFormatError);
    expect(err.message).toBe(
      `${path}: PNG declares 2000000 × 2000000 pixels (4.00e+3 gigapixels), over the limit of 200 megapixels for a non-tiled image; convert it to a tiled pyramidal TIFF`,
    );
  });

  it('a PNG whose IHDR is cut off is corrupt', async () => {
    const path = tmp.file('stub.png');
    writeFileSync(path, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48]));
    expect((await failure(path, { mpp: 1 })).message).toBe(`${path}: PNG header (IHDR) is missing or truncated; the file is corrupt`);
  });

  it('a missing file and a directory get plain answers', async () => {
    const missing = tmp.file('nope.svs');
    const err = await failure(missing);
    expect(err).toBeInstanceOf(SlideFormatError);
    expect(err.message).toBe(`${missing}: file not found`);
    const dir = tmp.file('a-directory.tif');
    mkdirSync(dir);
    expect((await failure(dir)).message).toBe(`${dir}: is a directory that holds no slide (expected an MRXS data folder or a DICOM series)`);
  });
});

describe('bad metadata', () => {
  it.each([
    ['zero', 0, '0'],
    ['negative', -0.5, '-0.5'],
    ['not a number', '0.5', '"0.5"'],
    ['NaN', Number.NaN, 'NaN'],
    ['absurd', 1e6, '1000000'],
  ])('rejects %s mpp with a MetadataError naming the file', async (_name, mpp, shown) => {
    const path = tmp.file('ok.png');
    await rawSharp(pattern(20, 20)).png().toFile(path);
    const err = await failure(path, { mpp: mpp as number });
    expect(err).toBeInstanceOf(MetadataError);
    expect(err.message).toBe(
      `${path}: metadata pixel size ${shown} is not valid; supply µm/px as a number greater than 0 and at most 100 (e.g. 0.5)`,
    );
  });
});

describe('region requests outside the level', () => {
  it('are refused with the level size in the message', async () => {
    const path = tmp.file('small.png');
    await rawSharp(pattern(50, 40)).png().toFile(path);
    const slide = await openSlide(path, { mpp: 1 });
    await expect(slide.readRegion(0, 45, 0, 6, 10)).rejects.toThrow(/region \(45, 0\) 6×10 is not inside level 0 \(50×40\)/);
    await expect(slide.readRegion(0, 0, 0, 0, 10)).rejects.toThrow(RangeError);
    await expect(slide.readRegion(0, 1.5, 0, 2, 2)).rejects.toThrow(RangeError);
    await expect(slide.readRegion(1, 0, 0, 2, 2)).rejects.toThrow(/level 1 does not exist/);
    expect((await slide.readRegion(0, 49, 39, 1, 1)).data.length).toBe(3);
  });
});
