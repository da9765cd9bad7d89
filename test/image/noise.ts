/** A plane of seeded uniform noise in −0.2 … 1.8 (an LCG, so every run blurs the same values). */
export function noise(w: number, h: number, seed: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(w * h);
  let s = seed >>> 0;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 0.2;
  }
  return out;
}
