import { describe, expect, it } from 'vitest';
import { conv2dFilterGrad, type ConvGeometry } from '../../src/train/model-filter-grad.js';
import { Rng } from '../../src/synthetic/rng.js';

/** The definition, weight by weight, terms in (b, oh, ow) order in float64. */
function reference(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float32Array {
  const out = new Float32Array(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels);
  for (let kh = 0; kh < g.filterHeight; kh++)
    for (let kw = 0; kw < g.filterWidth; kw++)
      for (let i = 0; i < g.inChannels; i++)
        for (let o = 0; o < g.outChannels; o++) {
          let s = 0;
          for (let b = 0; b < g.batch; b++)
            for (let oh = 0; oh < g.outHeight; oh++)
              for (let ow = 0; ow < g.outWidth; ow++) {
                const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
                const iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
                if (ih < 0 || iw < 0 || ih >= g.inHeight || iw >= g.inWidth) continue;
                const xv = x[((b * g.inHeight + ih) * g.inWidth + iw) * g.inChannels + i];
                if (xv !== 0) s += xv * dy[((b * g.outHeight + oh) * g.outWidth + ow) * g.outChannels + o];
              }
          out[((kh * g.filterWidth + kw) * g.inChannels + i) * g.outChannels + o] = s;
        }
  return out;
}

function geometry(p: { b: number; h: number; w: number; ci: number; co: number; k: number; s: number; d: number; pad: 'same' | 'valid' }): ConvGeometry {
  const span = (p.k - 1) * p.d + 1;
  const outHeight = p.pad === 'same' ? Math.ceil(p.h / p.s) : Math.floor((p.h - span) / p.s) + 1;
  const outWidth = p.pad === 'same' ? Math.ceil(p.w / p.s) : Math.floor((p.w - span) / p.s) + 1;
  const padH = p.pad === 'same' ? Math.max(0, (outHeight - 1) * p.s + span - p.h) : 0;
  const padW = p.pad === 'same' ? Math.max(0, (outWidth - 1) * p.s + span - p.w) : 0;
  return {
    batch: p.b, inHeight: p.h, inWidth: p.w, inChannels: p.ci, outHeight, outWidth, outChannels: p.co,
    filterHeight: p.k, filterWidth: p.k, strideHeight: p.s, strideWidth: p.s, dilationHeight: p.d, dilationWidth: p.d,
    padTop: Math.floor(padH / 2), padLeft: Math.floor(padW / 2),
  };
}

describe("conv2dFilterGrad (the wasm backend's missing Conv2DBackpropFilter)", () => {
  const cases = [
    { b: 3, h: 17, w: 13, ci: 8, co: 16, k: 3, s: 1, d: 1, pad: 'same' as const },
    { b: 2, h: 16, w: 16, ci: 24, co: 8, k: 3, s: 1, d: 1, pad: 'same' as const },
    { b: 2, h: 15, w: 18, ci: 8, co: 1, k: 1, s: 1, d: 1, pad: 'same' as const },
    { b: 2, h: 19, w: 21, ci: 3, co: 11, k: 3, s: 2, d: 1, pad: 'same' as const },
    { b: 1, h: 20, w: 17, ci: 5, co: 9, k: 3, s: 1, d: 2, pad: 'valid' as const },
    { b: 2, h: 12, w: 14, ci: 4, co: 8, k: 5, s: 3, d: 1, pad: 'valid' as const },
    // 3-wide stride-1 filters take the three-column pass: edges where one or two columns fall outside
    { b: 2, h: 9, w: 11, ci: 6, co: 24, k: 3, s: 1, d: 1, pad: 'valid' as const },
    { b: 2, h: 7, w: 2, ci: 3, co: 8, k: 3, s: 1, d: 1, pad: 'same' as const },
    { b: 3, h: 5, w: 1, ci: 2, co: 16, k: 3, s: 1, d: 1, pad: 'same' as const },
  ];
  for (const c of cases) {
    it(`equals the definition bit for bit: ${JSON.stringify(c)}`, () => {
      const g = geometry(c);
      const rng = new Rng(c.b * 100 + c.ci);
      // half zeros, as after a ReLU
      const x = Float32Array.from({ length: c.b * c.h * c.w * c.ci }, () => (rng.next() < 0.5 ? 0 : rng.next() * 2 - 0.5));
      const dy = Float32Array.from({ length: c.b * g.outHeight * g.outWidth * c.co }, () => rng.next() * 2 - 1);
      const want = reference(x, dy, g);
      const got = new Float32Array(want.length).fill(Number.NaN);
      conv2dFilterGrad(x, dy, g, got);
      // bits, so that −0 and +0 differ
      expect(Array.from(new Uint32Array(got.buffer))).toEqual(Array.from(new Uint32Array(want.buffer)));
      expect(want.some((v) => v !== 0)).toBe(true);
    });
  }
});
