/**
 * Indices of the pixels `labels` gives to a cell and `blocked` gives to none, bucketed by label in
 * raster order (counting sort): label l's are index[start[l] .. start[l + 1]).
 */
export function bucketFreeIndices(labels: Int32Array, blocked: Int32Array, count: number, rects: readonly number[], w: number): { start: Int32Array; index: Int32Array } {
  const start = new Int32Array(count + 2);
  for (let k = 0; k < rects.length; k += 4) {
    for (let y = rects[k + 1]; y <= rects[k + 3]; y++) {
      for (let i = y * w + rects[k], end = y * w + rects[k + 2]; i <= end; i++) {
        const c = labels[i];
        if (c !== 0 && blocked[i] === 0) start[c + 1]++;
      }
    }
  }
  for (let l = 1; l <= count; l++) start[l + 1] += start[l];
  const index = new Int32Array(start[count + 1]);
  const fill = start.slice(0, count + 1);
  for (let k = 0; k < rects.length; k += 4) {
    for (let y = rects[k + 1]; y <= rects[k + 3]; y++) {
      for (let i = y * w + rects[k], end = y * w + rects[k + 2]; i <= end; i++) {
        const c = labels[i];
        if (c !== 0 && blocked[i] === 0) index[fill[c]++] = i;
      }
    }
  }
  return { start, index };
}
