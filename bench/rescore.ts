// npx tsx bench/rescore.ts — re-scoring in regions (issue 12) for a slide of 100 000 cells.
// Builds stored-like tile results for a 20 × 15 mm section at 0.5 µm/px (1024 px tiles, each
// with its 16 µm area grid), 100 000 cells and 2 000 fibres placed at random (seeded), then
// re-scores it within a 2 000-vertex freehand region minus five 200-vertex exclusions and
// prints the median ms of ROUNDS runs (target: well under 1 000 ms); then again with CORRECTIONS
// pathologist's corrections (reclassified, deleted and added cells, flipped fibres) applied.
import type { TileResult } from '../src/domain/detection.js';
import { areaBlockPx } from '../src/domain/area-grid.js';
import { resolveParams } from '../src/domain/params.js';
import type { CorrectionEffect } from '../src/domain/corrections.js';
import type { ReviewRegion } from '../src/domain/review.js';
import { rescore } from '../src/score/rescore.js';

const CELLS = Number(process.env.CELLS ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const CORRECTIONS = Number(process.env.CORRECTIONS ?? 1_000);
const MPP = 0.5;
const TILE = 1024;
const W = 40_000;
const H = 30_000;

let seed = 12345;
const rand = (): number => ((seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 2 ** 32);

const cols = Math.ceil(W / TILE);
const rows = Math.ceil(H / TILE);
const block = areaBlockPx(MPP);
const tiles: TileResult[] = [];
for (let ty = 0; ty < rows; ty++) {
  for (let tx = 0; tx < cols; tx++) {
    const bc = TILE / block;
    const n = bc * bc;
    const tissue = Array.from({ length: n }, () => block * block);
    const g = (): number[] => Array.from({ length: n }, () => Math.floor(rand() * 100));
    const g1 = g(), g2 = g(), g3 = g();
    const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
    const t = sum(tissue);
    tiles.push({
      tileId: ty * cols + tx,
      detections: [],
      tissuePixels: t,
      pixelGradeCounts: [t - sum(g1) - sum(g2) - sum(g3), sum(g1), sum(g2), sum(g3)],
      dabPositivePixels: sum(g3),
      fibres: [],
      areaGrid: { blockPx: block, bx0: tx * bc, by0: ty * bc, cols: bc, rows: bc, tissue, dabPositive: g3, grade1: g1, grade2: g2, grade3: g3 },
    });
  }
}
for (let i = 0; i < CELLS; i++) {
  const x = rand() * W, y = rand() * H;
  const t = tiles[Math.floor(y / TILE) * cols + Math.floor(x / TILE)];
  t.detections.push({ x: x * MPP, y: y * MPP, grade: Math.floor(rand() * 4), dabNucleus: 0.1, dabCytoplasm: 0.1, dabCell: 0.1, hematoxylinOd: 0.3, nucleusAreaUm2: 30, cellAreaUm2: 90 });
}
for (let i = 0; i < 2000; i++) {
  const x = rand() * W, y = rand() * H;
  tiles[Math.floor(y / TILE) * cols + Math.floor(x / TILE)].fibres!.push({ x: x * MPP, y: y * MPP, areaUm2: 2000, minFeretUm: 40, ringDab: rand(), interiorDab: rand() * 0.2, peripheralNuclei: 3, internalNuclei: 0, perifascicular: false });
}
const blob = (cx: number, cy: number, r: number, n: number): ReviewRegion['polygon'] =>
  Array.from({ length: n }, (_, k) => {
    const a = (2 * Math.PI * k) / n;
    const rr = r * (1 + 0.15 * Math.sin(7 * a) + 0.05 * rand());
    return [cx + rr * Math.cos(a), cy + rr * Math.sin(a)] as [number, number];
  });
const regions: ReviewRegion[] = [
  { kind: 'region', polygon: blob(W / 2, H / 2, 13_000, 2000) },
  ...Array.from({ length: 5 }, (_, i) => ({ kind: 'exclusion' as const, polygon: blob(8000 + i * 6000, H / 2, 1500, 200) })),
];

// a quarter each: cells reclassified, cells deleted, cells added, fibres flipped
const corrections = new Map<string, CorrectionEffect>();
const withCells = tiles.filter((t) => t.detections.length > 0);
for (let i = 0; i < CORRECTIONS; i++) {
  const t = withCells[Math.floor(rand() * withCells.length)];
  const k = i % 4;
  if (k === 0) corrections.set(`cell:${t.tileId}:${Math.floor(rand() * t.detections.length)}`, { kind: 'reclassify', grade: Math.floor(rand() * 4) });
  else if (k === 1) corrections.set(`cell:${t.tileId}:${Math.floor(rand() * t.detections.length)}`, { kind: 'delete' });
  else if (k === 2) corrections.set(`added:${i + 1}`, { kind: 'add', x: rand() * W, y: rand() * H, grade: Math.floor(rand() * 4) });
  else if (t.fibres && t.fibres.length > 0) corrections.set(`fibre:${t.tileId}:${Math.floor(rand() * t.fibres.length)}`, { kind: 'fibre', mhc1Positive: rand() < 0.5 });
}

const params = resolveParams({});
function bench(label: string, effects?: Map<string, CorrectionEffect>): void {
  const times: number[] = [];
  let cells = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    cells = rescore({ tiles, regions, slideMpp: MPP, mpp: MPP, params, corrections: effects }).scores.cells;
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`rescore${label}: ${CELLS.toLocaleString('en')} cells, ${tiles.length} tiles, 1 region (2000 vertices) − 5 exclusions: median ${times[ROUNDS >> 1].toFixed(0)} ms (${cells.toLocaleString('en')} cells kept; ${ROUNDS} rounds)`);
}
bench('');
bench(` + ${corrections.size.toLocaleString('en')} corrections`, corrections);
