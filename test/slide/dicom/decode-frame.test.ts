import { describe, expect, it } from 'vitest';
import { SlideFormatError } from '../../../src/errors/index.js';
import { decodeFrame } from '../../../src/slide/dicom/decode-frame.js';
import type { WsiInstance } from '../../../src/slide/dicom/instance.js';

/** A 2×1-pixel native level: only the attributes decodeFrame reads matter. */
function native(photometric: string, samplesPerPixel: 1 | 3, planar = false): WsiInstance {
  return {
    path: '/slides/x/level-0.dcm', flavor: 'VOLUME', codec: 'native', transferSyntax: '1.2.840.10008.1.2.1', photometric, samplesPerPixel, planar,
    rows: 1, columns: 2, bitsAllocated: 8, numberOfFrames: 1, totalColumns: 2, totalRows: 1, sparse: false, concatenated: false,
    sopInstanceUid: '1', seriesUid: '2', pixelData: { offset: 0, encapsulated: false, length: 6 }, fileSize: 6,
  };
}

describe('decodeFrame: uncompressed photometric interpretations', () => {
  it('RGB interleaved is taken as is, planar RGB is interleaved', async () => {
    expect([...(await decodeFrame(native('RGB', 3), Uint8Array.of(1, 2, 3, 4, 5, 6), 0))]).toEqual([1, 2, 3, 4, 5, 6]);
    // planes R R, G G, B B
    expect([...(await decodeFrame(native('RGB', 3, true), Uint8Array.of(1, 4, 2, 5, 3, 6), 0))]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('YBR_FULL is converted to RGB (BT.601 full range): grey stays grey, pure red comes back red', async () => {
    // red (255, 0, 0) is Y 76, Cb 85, Cr 255 in full-range YCbCr
    const rgb = await decodeFrame(native('YBR_FULL', 3), Uint8Array.of(128, 128, 128, 76, 85, 255), 0);
    expect([...rgb.subarray(0, 3)]).toEqual([128, 128, 128]);
    expect(Math.abs(rgb[3] - 255)).toBeLessThanOrEqual(1);
    expect([rgb[4], rgb[5]]).toEqual([0, 0]);
  });

  it('grey is replicated to RGB; MONOCHROME1 is inverted first', async () => {
    expect([...(await decodeFrame(native('MONOCHROME2', 1), Uint8Array.of(10, 200), 0))]).toEqual([10, 10, 10, 200, 200, 200]);
    expect([...(await decodeFrame(native('MONOCHROME1', 1), Uint8Array.of(10, 200), 0))]).toEqual([245, 245, 245, 55, 55, 55]);
  });

  it('a frame that does not decode to Columns × Rows is refused, naming the file and frame', async () => {
    const jpeg = { ...native('YBR_FULL_422', 3), codec: 'jpeg' as const };
    await expect(decodeFrame(jpeg, Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3), 4)).rejects.toThrow(SlideFormatError);
    await expect(decodeFrame(jpeg, Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 1, 2, 3), 4)).rejects.toThrow(/level-0\.dcm: cannot decode frame 5 \(jpeg\)/);
  });
});
