import { DistanceTransform } from './distance-transform.js';

/** Per-cell measurements, indexed by nucleus label (index 0 unused). Means are OD. */
export interface CellMeasurements {
  count: number;
  nucleusArea: Int32Array;
  cellArea: Int32Array;
  /** mean DAB over the nucleus, the cytoplasm (cell − nucleus; nucleus value when empty), the cell */
  dabNucleus: Float64Array;
  dabCytoplasm: Float64Array;
  dabCell: Float64Array;
  /** mean hematoxylin over the nucleus */
  hemNucleus: Float64Array;
}

/**
 * Cells = nuclei grown by a fixed distance without overlap (QuPath cell expansion, SCIENCE.md:
 * 5 µm): every pixel within `expansionPx` of a nucleus goes to the nearest nucleus pixel's cell,
 * i.e. a Voronoi partition on nucleus pixels clipped at the expansion distance. Exact, via the
 * nearest-feature Euclidean distance transform.
 */
export class CellExpander {
  private readonly edt = new DistanceTransform();
  private d2 = new Float32Array(0);
  private nearest = new Int32Array(0);

  expand(nucleusLabels: Int32Array, width: number, height: number, expansionPx: number, cellLabels: Int32Array): void {
    const n = width * height;
    if (this.d2.length < n) {
      this.d2 = new Float32Array(n);
      this.nearest = new Int32Array(n);
    }
    const { d2, nearest } = this;
    this.edt.squared(nucleusLabels, width, height, d2, { nearest });
    const max2 = expansionPx * expansionPx;
    for (let i = 0; i < n; i++) {
      const j = nearest[i];
      cellLabels[i] = j >= 0 && d2[i] <= max2 ? nucleusLabels[j] : 0;
    }
  }
}

/** One pass over the pixels: compartment sums per label, then means. */
export function measureCells(
  nucleusLabels: Int32Array,
  cellLabels: Int32Array,
  dab: Float32Array,
  hematoxylin: Float32Array,
  n: number,
  count: number,
): CellMeasurements {
  const nucleusArea = new Int32Array(count + 1);
  const cellArea = new Int32Array(count + 1);
  const dabN = new Float64Array(count + 1);
  const dabC = new Float64Array(count + 1);
  const hemN = new Float64Array(count + 1);
  for (let i = 0; i < n; i++) {
    const c = cellLabels[i];
    if (c === 0) continue;
    const v = dab[i];
    cellArea[c]++;
    dabC[c] += v;
    if (nucleusLabels[i] !== 0) {
      nucleusArea[c]++;
      dabN[c] += v;
      hemN[c] += hematoxylin[i];
    }
  }
  const dabNucleus = new Float64Array(count + 1);
  const dabCytoplasm = new Float64Array(count + 1);
  const dabCell = new Float64Array(count + 1);
  const hemNucleus = new Float64Array(count + 1);
  for (let l = 1; l <= count; l++) {
    const an = nucleusArea[l];
    const ac = cellArea[l];
    const ring = ac - an;
    dabNucleus[l] = an ? dabN[l] / an : 0;
    hemNucleus[l] = an ? hemN[l] / an : 0;
    dabCell[l] = ac ? dabC[l] / ac : 0;
    dabCytoplasm[l] = ring > 0 ? (dabC[l] - dabN[l]) / ring : dabNucleus[l];
  }
  return { count, nucleusArea, cellArea, dabNucleus, dabCytoplasm, dabCell, hemNucleus };
}
