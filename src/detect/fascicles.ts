import { DistanceTransform } from '../image/distance-transform.js';
import { fillSmallHoles } from '../image/fill-small-holes.js';
import { ComponentLabeller } from '../image/label.js';

// this thread's labeller and planes, kept between tiles (each is written whole before it is read)
const labeller = new ComponentLabeller();
let zoneBuf = new Uint8Array(0);
let compBuf = new Int32Array(0);

/** A group of fibres connected through thin endomysium; perimysium (wider septa) separates groups. */
export interface Fascicle {
  id: number;
  fibres: number;
  /** fibres on the fascicle's edge */
  perifascicularFibres: number;
}

export interface FascicleGroups {
  fascicles: Fascicle[];
  /** per fibre label (index 0 unused): fascicle id */
  fascicleOf: Int32Array;
  /** per fibre label: 1 when on its fascicle's edge */
  perifascicular: Uint8Array;
  /** per pixel: index of the nearest fibre pixel (−1 when there is no fibre) */
  nearest: Int32Array;
  /** per pixel: distance to the nearest fibre pixel, px */
  distPx: Float32Array;
}

/**
 * Fascicles: the fibres' zone — pixels within septumUm/2 of a fibre — closes every gap narrower
 * than septumUm (endomysium, 1.5–4 µm) and leaves wider ones (perimysium, 15–40 µm) open, so its
 * connected components are the fascicles. Small enclosed gaps (triple junctions, capillaries) are
 * not perimysium: holes in the zone under holeMaxUm2 (AnalysisParams.fibres.fascicleHoleMaxUm2) are filled, and pockets open to the plane's
 * edge under twice that (connective tissue where a fibre was cut away by the edge; a septum
 * reaching the edge is far larger). A fibre is perifascicular when
 * the part of the zone nearest to it touches what is left outside (perimysium, glass) at least
 * septumUm inside the plane; the image edge and gaps seen only next to it do not count.
 */
export function groupFascicles(labels: Int32Array, count: number, w: number, h: number, mpp: number, septumUm: number, holeMaxUm2: number, edt = new DistanceTransform()): FascicleGroups {
  const n = w * h;
  const nearest = new Int32Array(n);
  const distPx = new Float32Array(n);
  edt.squared(labels, w, h, distPx, { nearest });
  const r = septumUm / 2 / mpp;
  const r2 = r * r;
  if (zoneBuf.length < n) {
    zoneBuf = new Uint8Array(n);
    compBuf = new Int32Array(n);
  }
  const zone = zoneBuf.subarray(0, n);
  for (let i = 0; i < n; i++) {
    zone[i] = distPx[i] <= r2 ? 1 : 0;
    distPx[i] = Math.sqrt(distPx[i]);
  }

  // Fill small holes and edge pockets of the zone: 4-connected components of its complement.
  const holeMax = holeMaxUm2 / (mpp * mpp);
  fillSmallHoles(zone, w, h, holeMax, 2 * holeMax);

  const comp = compBuf.subarray(0, n);
  const nFasc = labeller.label(zone, w, h, comp, 8);
  const m = Math.max(1, Math.ceil(septumUm / mpp));
  const fascicleOf = new Int32Array(count + 1);
  const perifascicular = new Uint8Array(count + 1);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      const l = labels[i];
      if (l !== 0) fascicleOf[l] = comp[i];
      if (zone[i] === 0 || nearest[i] < 0) continue;
      // Beyond the plane's edge nothing is known: a gap there is as likely endomysium around a
      // fibre cut away as perimysium, so the outside must be seen at least `m` px inside the plane.
      if (x < m || y < m || x >= w - m || y >= h - m) continue;
      const outside = zone[i - 1] === 0 || zone[i + 1] === 0 || zone[i - w] === 0 || zone[i + w] === 0;
      if (outside) perifascicular[labels[nearest[i]]] = 1;
    }
  }
  // Number fascicles 1..k in order of first fibre.
  const remap = new Int32Array(nFasc + 1);
  const fascicles: Fascicle[] = [];
  for (let l = 1; l <= count; l++) {
    const f = fascicleOf[l];
    if (remap[f] === 0) {
      fascicles.push({ id: fascicles.length + 1, fibres: 0, perifascicularFibres: 0 });
      remap[f] = fascicles.length;
    }
    fascicleOf[l] = remap[f];
    const fa = fascicles[remap[f] - 1];
    fa.fibres++;
    if (perifascicular[l]) fa.perifascicularFibres++;
  }
  return { fascicles, fascicleOf, perifascicular, nearest, distPx };
}
