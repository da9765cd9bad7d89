export interface Point {
  x: number;
  y: number;
}

export interface MatchResult {
  /** [truth index, found index] */
  pairs: Array<[number, number]>;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  f1: number;
}

/**
 * One-to-one matching of centroids within `maxDist` (same units as the points).
 * Candidate pairs are taken in order of increasing distance, each point used once: with
 * nuclei spaced wider than the match radius this equals the optimal assignment, and it is
 * what detection challenges (e.g. MoNuSeg centroid F1) use.
 */
export function matchCentroids(truth: readonly Point[], found: readonly Point[], maxDist: number): MatchResult {
  const cell = Math.max(maxDist, 1e-9);
  const buckets = new Map<string, number[]>();
  const key = (gx: number, gy: number) => `${gx},${gy}`;
  found.forEach((p, i) => {
    const k = key(Math.floor(p.x / cell), Math.floor(p.y / cell));
    const list = buckets.get(k);
    if (list) list.push(i);
    else buckets.set(k, [i]);
  });

  const candidates: Array<{ t: number; f: number; d: number }> = [];
  const max2 = maxDist * maxDist;
  truth.forEach((p, t) => {
    const gx = Math.floor(p.x / cell);
    const gy = Math.floor(p.y / cell);
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        for (const f of buckets.get(key(gx + dx, gy + dy)) ?? []) {
          const ex = found[f].x - p.x;
          const ey = found[f].y - p.y;
          const d = ex * ex + ey * ey;
          if (d <= max2) candidates.push({ t, f, d });
        }
      }
    }
  });
  candidates.sort((a, b) => a.d - b.d || a.t - b.t || a.f - b.f);

  const usedT = new Uint8Array(truth.length);
  const usedF = new Uint8Array(found.length);
  const pairs: Array<[number, number]> = [];
  for (const c of candidates) {
    if (usedT[c.t] || usedF[c.f]) continue;
    usedT[c.t] = 1;
    usedF[c.f] = 1;
    pairs.push([c.t, c.f]);
  }
  const tp = pairs.length;
  const fp = found.length - tp;
  const fn = truth.length - tp;
  const precision = found.length ? tp / found.length : truth.length ? 0 : 1;
  const recall = truth.length ? tp / truth.length : 1;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { pairs, tp, fp, fn, precision, recall, f1 };
}
