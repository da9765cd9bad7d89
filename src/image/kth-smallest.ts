/**
 * The k-th smallest value (0-based) of a: the value `a.slice().sort()[k]` would give, in linear
 * expected time (Hoare's quickselect with median-of-three pivots). Reorders `a` in place; for
 * finite values only (NaN has no rank).
 */
export function kthSmallest(a: Float32Array, k: number): number {
  if (!(k >= 0 && k < a.length)) throw new RangeError(`rank ${k} outside 0..${a.length - 1}`);
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three as the pivot, so sorted or constant runs do not go quadratic
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    const pivot = a[mid];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/**
 * The median a sort would give — the middle value, or the mean of the two middle ones — by
 * selection (NaN when empty). Reorders `a`.
 */
export function medianInPlace(a: Float32Array): number {
  const k = a.length;
  if (k === 0) return NaN;
  const upper = kthSmallest(a, k >> 1);
  if (k % 2) return upper;
  // after selecting rank k/2 every value before it is ≤ it: the largest of them is rank k/2 − 1
  let lower = -Infinity;
  for (let i = 0; i < k >> 1; i++) if (a[i] > lower) lower = a[i];
  return (lower + upper) / 2;
}

function swap(a: Float32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}
