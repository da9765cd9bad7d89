import { describe, expect, it } from 'vitest';
import { argbOverWhite } from '../../src/slide/openslide/argb.js';

describe('argbOverWhite (OpenSlide premultiplied ARGB → RGB over white)', () => {
  it('keeps opaque pixels, turns transparent ones white and composites partial alpha over white', () => {
    const argb = Uint32Array.from([0xff102030, 0x00000000, 0x80400000, 0xffffffff]);
    const rgb = argbOverWhite(argb, 2, 2);
    expect([rgb.width, rgb.height, rgb.channels]).toEqual([2, 2, 3]);
    // premultiplied: c + (255 − a); alpha 0x80 leaves 127 of white under a red of 0x40
    expect(Array.from(rgb.data)).toEqual([0x10, 0x20, 0x30, 255, 255, 255, 0x40 + 127, 127, 127, 255, 255, 255]);
  });

  it('refuses a buffer that does not match the size', () => {
    expect(() => argbOverWhite(new Uint32Array(3), 2, 2)).toThrow('argbOverWhite: 3 pixels for 2×2');
  });
});
