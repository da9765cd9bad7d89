import sharp, { type JpegOptions } from 'sharp';
import { describe, expect, it } from 'vitest';
import { jpegTileDefect } from '../../src/slide/jpeg-tile-check.js';

// The builtin reader's check of the JPEG tiles a region touches: sound encodings of every kind
// pass (a false alarm would fail a good slide), damage libjpeg only warns about is named.
async function encoded(opts: JpegOptions): Promise<Buffer> {
  const raw = Buffer.alloc(256 * 256 * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919) % 251; // busy pixels: many 0xFF bytes get stuffed
  return sharp(raw, { raw: { width: 256, height: 256, channels: 3 } }).jpeg(opts).toBuffer();
}

describe('jpegTileDefect', () => {
  it('passes baseline, progressive, 4:4:4 and optimised-Huffman JPEGs', async () => {
    for (const opts of [{ quality: 90 }, { quality: 90, progressive: true }, { quality: 100, chromaSubsampling: '4:4:4' }, { quality: 50, optimiseCoding: true }] as JpegOptions[]) {
      const jpeg = await encoded(opts);
      expect(jpeg.includes(Buffer.from([0xff, 0x00])), 'the test image has stuffed bytes').toBe(true);
      expect(jpegTileDefect(jpeg), JSON.stringify(opts)).toBeUndefined();
      // a tile cut before its end-of-image marker is tolerated, as libjpeg tolerates it
      expect(jpegTileDefect(jpeg.subarray(0, jpeg.length - 2))).toBeUndefined();
    }
  });

  it('names a stray marker inside the entropy-coded data, with its position', async () => {
    const jpeg = await encoded({ quality: 90 });
    const at = Math.floor(jpeg.length * 0.6);
    jpeg[at] = 0xff;
    jpeg[at + 1] = 0xc0;
    expect(jpegTileDefect(jpeg)).toBe(`its JPEG data holds a stray marker 0xFFC0 at byte ${at} of ${jpeg.length}`);
  });

  it('names a tile that does not start with a start-of-image marker, and a broken header', async () => {
    const jpeg = await encoded({ quality: 90 });
    expect(jpegTileDefect(Buffer.concat([Buffer.from([0, 0]), jpeg.subarray(2)]))).toBe('it does not start with a JPEG start-of-image marker (bytes 0000)');
    const header = Buffer.from(jpeg);
    header[2] = 0x12; // the first segment's marker
    expect(jpegTileDefect(header)).toBe('a JPEG segment header is missing at byte 2');
  });
});
