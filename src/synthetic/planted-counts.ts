/**
 * The ground truth's pixel counts over a scene's planted (noise-free, pre-blur) values: tissue,
 * DAB-positive area, the DAB grade of tissue pixels, and the realism artefacts' areas. Fed
 * full-width bands of rows. A slide writer's render plants every row once on its way to the
 * file, so handing it these counts gives the truth without planting the scene a second time
 * (that second planting cost as much as the render's own); `complete` says whether every row
 * came exactly once, and the truth plants the scene itself when it did not.
 */
import type { PlantedRealism } from './realism/geometry.js';
import { RealismTally } from './realism/truth.js';
import { GRADE_THRESHOLDS, POSITIVE_AREA_THRESHOLD } from './scene.js';

export class PlantedCounts {
  tissue = 0;
  positive = 0;
  /** tissue pixels per DAB grade (0, 1+, 2+, 3+) */
  readonly grade = [0, 0, 0, 0];
  /** the planted tissue mask (1 = tissue, row-major), when asked for: an evaluation that learns only after the analysis which pixels QC left in counts them on it */
  readonly mask: Uint8Array | null;
  private readonly seen: Uint8Array;
  private rowsSeen = 0;
  private repeated = false;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly tally: RealismTally | null,
    keepMask = false,
  ) {
    this.seen = new Uint8Array(height);
    this.mask = keepMask ? new Uint8Array(width * height) : null;
  }

  /** Rows [y0, y0 + rows) of the image, held in `buf` from `offset` with `stride` values per row. */
  add(y0: number, rows: number, buf: { tissue: Uint8Array; dab: Float32Array }, offset = 0, stride = this.width): void {
    if (!(y0 >= 0 && rows >= 0 && y0 + rows <= this.height)) throw new RangeError(`planted rows ${y0}..${y0 + rows} lie outside the ${this.height}-row image`);
    for (let y = y0; y < y0 + rows; y++) {
      if (this.seen[y]) this.repeated = true;
      else this.rowsSeen++;
      this.seen[y] = 1;
    }
    this.tally?.add(y0, rows, buf.tissue, offset, stride);
    const { tissue, dab } = buf;
    const [t1, t2, t3] = GRADE_THRESHOLDS;
    const grade = this.grade;
    const w = this.width;
    for (let r = 0; r < rows; r++) {
      const row = offset + r * stride;
      this.mask?.set(tissue.subarray(row, row + w), (y0 + r) * w);
      for (let p = row, end = p + w; p < end; p++) {
        if (tissue[p] === 0) continue;
        this.tissue++;
        const d = dab[p];
        if (d >= POSITIVE_AREA_THRESHOLD) this.positive++;
        grade[d >= t3 ? 3 : d >= t2 ? 2 : d >= t1 ? 1 : 0]++;
      }
    }
  }

  /** every row added exactly once */
  get complete(): boolean {
    return !this.repeated && this.rowsSeen === this.height;
  }
}

/** Empty counts for a scene, with a tally of its realism artefacts when it has them. */
export function plantedCountsOf(scene: { width: number; height: number; mpp: number; realism?: PlantedRealism | null }, opts: { mask?: boolean } = {}): PlantedCounts {
  return new PlantedCounts(scene.width, scene.height, scene.realism ? new RealismTally(scene.realism, scene.width, scene.mpp) : null, opts.mask);
}

/** Plants full-width bands of at most `bandPixels` through `plant` into counts (the truth's own pass). */
export function countPlanted<B extends { tissue: Uint8Array; dab: Float32Array }>(
  counts: PlantedCounts,
  bandPixels: number,
  buffers: (pixels: number) => B,
  plant: (y0: number, rows: number, buf: B) => void,
): PlantedCounts {
  const { width, height } = counts;
  const bandRows = Math.max(1, Math.min(height, Math.floor(bandPixels / width)));
  const buf = buffers(width * bandRows);
  for (let y0 = 0; y0 < height; y0 += bandRows) {
    const rows = Math.min(bandRows, height - y0);
    plant(y0, rows, buf);
    counts.add(y0, rows, buf);
  }
  return counts;
}
