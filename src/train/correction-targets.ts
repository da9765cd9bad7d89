/**
 * Training targets from a pathologist's corrections (issue 15 point 3), on one window of the
 * hematoxylin plane at the model's pixel size. The corrected cell set is the truth: the stored
 * detections the pathologist kept plus the cells added, without the ones deleted.
 *
 * - Start from what the current network calls nucleus (its own segmentation is the best outline
 *   we have of a cell nobody corrected).
 * - Every added cell gets an outline grown from the clicked point on the plane (half-way between
 *   the local background and the nucleus' peak OD, within MAX_RADIUS_UM); whatever the network had
 *   there (nothing, or a nucleus split in two) is replaced by it.
 * - A component with no kept or added cell within MATCH_UM (a deleted false detection, stroma the
 *   network fired on) is cleared.
 * - A kept cell the network has no component for gets an outline grown as for an added one.
 */
import { valueAt } from './window-plane.js';

/** SCIENCE.md: most nuclei 7–10 µm across; an elongated one reaches ~16 µm */
const MAX_RADIUS_UM = 10;
/** issue 2's centroid matching radius */
const MATCH_UM = 4;
/** the background ring round a clicked point */
const RING_UM: readonly [number, number] = [11, 15];
/** an outline needs this much OD above its background; fainter clicks get a disc */
const MIN_CONTRAST_OD = 0.03;
const FALLBACK_RADIUS_UM = 3;

/** A cell of the corrected truth (a kept stored detection, or an added cell), px of the window. */
export interface TruthCell {
  x: number;
  y: number;
  added: boolean;
}

/** The target (1 = nucleus) for a window of `size`² px at `mpp`, from the network's mask and the corrected cells. */
export function correctedTarget(hem: Float32Array, mask: Uint8Array, size: number, mpp: number, cells: readonly TruthCell[]): Uint8Array {
  const target = Uint8Array.from(mask);
  const labels = labelComponents(target, size);
  const matchPx = MATCH_UM / mpp;
  const grow = (x: number, y: number): Uint8Array => growOutline(hem, size, x, y, mpp);
  const painted: Uint8Array[] = [];
  // components near a truth point stay; an added point replaces what lies under its outline
  const near = new Set<number>();
  for (const c of cells) {
    if (c.added) continue;
    const l = componentNear(labels, size, c.x, c.y, matchPx);
    if (l > 0) near.add(l);
    else painted.push(grow(c.x, c.y));
  }
  const replaced = new Set<number>();
  for (const c of cells) {
    if (!c.added) continue;
    const blob = grow(c.x, c.y);
    for (let q = 0; q < blob.length; q++) if (blob[q] && labels[q] > 0) replaced.add(labels[q]);
    painted.push(blob);
  }
  for (let q = 0; q < target.length; q++) {
    const l = labels[q];
    if (l > 0 && (!near.has(l) || replaced.has(l))) target[q] = 0;
  }
  for (const b of painted) for (let q = 0; q < b.length; q++) if (b[q]) target[q] = 1;
  return target;
}

/** 4-connected components of a binary mask, labels 1… (0 = background). */
export function labelComponents(mask: Uint8Array, size: number): Int32Array {
  const labels = new Int32Array(mask.length);
  const stack: number[] = [];
  let next = 0;
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || labels[s]) continue;
    labels[s] = ++next;
    stack.push(s);
    while (stack.length) {
      const q = stack.pop()!;
      const x = q % size;
      const visit = (r: number) => {
        if (mask[r] && !labels[r]) {
          labels[r] = next;
          stack.push(r);
        }
      };
      if (x > 0) visit(q - 1);
      if (x < size - 1) visit(q + 1);
      if (q >= size) visit(q - size);
      if (q < mask.length - size) visit(q + size);
    }
  }
  return labels;
}

/** The label with a pixel nearest (x, y) within r px, or 0. */
function componentNear(labels: Int32Array, size: number, x: number, y: number, r: number): number {
  let best = 0;
  let bestD = r * r;
  for (let yy = Math.max(0, Math.floor(y - r)); yy <= Math.min(size - 1, Math.ceil(y + r)); yy++) {
    for (let xx = Math.max(0, Math.floor(x - r)); xx <= Math.min(size - 1, Math.ceil(x + r)); xx++) {
      const l = labels[yy * size + xx];
      const d = (xx - x) ** 2 + (yy - y) ** 2;
      if (l > 0 && d <= bestD) {
        best = l;
        bestD = d;
      }
    }
  }
  return best;
}

/**
 * The nucleus outline round a clicked point: from the darkest (smoothed) pixel within 2 µm, the
 * 8-connected pixels at or above half-way between the ring's median OD and that peak, no further
 * than MAX_RADIUS_UM; a FALLBACK_RADIUS_UM disc when the nucleus stands out by less than MIN_CONTRAST_OD.
 */
export function growOutline(hem: Float32Array, size: number, x: number, y: number, mpp: number): Uint8Array {
  const out = new Uint8Array(size * size);
  const smooth = (xx: number, yy: number): number => {
    let s = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += valueAt(hem, size, xx + dx, yy + dy);
    return s / 9;
  };
  const r2 = Math.round(2 / mpp);
  let px = Math.round(x);
  let py = Math.round(y);
  let peak = -Infinity;
  for (let dy = -r2; dy <= r2; dy++) {
    for (let dx = -r2; dx <= r2; dx++) {
      const v = smooth(Math.round(x) + dx, Math.round(y) + dy);
      if (v > peak) [peak, px, py] = [v, Math.round(x) + dx, Math.round(y) + dy];
    }
  }
  const ring: number[] = [];
  const [ri, ro] = [RING_UM[0] / mpp, RING_UM[1] / mpp];
  for (let dy = -Math.ceil(ro); dy <= Math.ceil(ro); dy++) {
    for (let dx = -Math.ceil(ro); dx <= Math.ceil(ro); dx++) {
      const d = Math.hypot(dx, dy);
      if (d >= ri && d <= ro) ring.push(valueAt(hem, size, px + dx, py + dy));
    }
  }
  ring.sort((a, b) => a - b);
  const bg = ring[ring.length >> 1] ?? 0;
  const maxR = MAX_RADIUS_UM / mpp;
  const inside = (xx: number, yy: number) => xx >= 0 && yy >= 0 && xx < size && yy < size && (xx - px) ** 2 + (yy - py) ** 2 <= maxR * maxR;
  if (!(peak - bg >= MIN_CONTRAST_OD)) {
    const rf = FALLBACK_RADIUS_UM / mpp;
    for (let yy = Math.floor(y - rf); yy <= Math.ceil(y + rf); yy++) for (let xx = Math.floor(x - rf); xx <= Math.ceil(x + rf); xx++) if (inside(xx, yy) && (xx - x) ** 2 + (yy - y) ** 2 <= rf * rf) out[yy * size + xx] = 1;
    return out;
  }
  const level = bg + 0.5 * (peak - bg);
  const stack = [[px, py]];
  if (inside(px, py)) out[py * size + px] = 1;
  while (stack.length) {
    const [cx, cy] = stack.pop()!;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const nx = cx + dx;
        const ny = cy + dy;
        if (!inside(nx, ny) || out[ny * size + nx]) continue;
        if (smooth(nx, ny) < level) continue;
        out[ny * size + nx] = 1;
        stack.push([nx, ny]);
      }
    }
  }
  return out;
}
