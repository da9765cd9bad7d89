/**
 * Training target for the nucleus network from the planted scene (src/synthetic/planted.ts):
 * 1 on nucleus pixels, 0 elsewhere and on every nucleus pixel with an 8-neighbour in a different
 * cell's nucleus. Cutting the contact line teaches the network to keep touching nuclei apart,
 * which the labelling after it needs (components = nuclei).
 */
export function interiorTarget(nucleusH: Float32Array, owner: Int32Array, w: number, h: number, out: Uint8Array): Uint8Array {
  for (let y = 0; y < h; y++) {
    for (let x = 0, p = y * w; x < w; x++, p++) {
      const o = owner[p];
      if (nucleusH[p] <= 0 || o < 0) {
        out[p] = 0;
        continue;
      }
      let v = 1;
      for (let dy = -1; dy <= 1 && v; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const q = yy * w + xx;
          if (nucleusH[q] > 0 && owner[q] !== o) {
            v = 0;
            break;
          }
        }
      }
      out[p] = v;
    }
  }
  return out;
}
