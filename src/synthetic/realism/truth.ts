/**
 * Ground truth of the realism block: the illumination field's parameters and every planted
 * artefact's geometry (µm), with the tissue area it covers, so QC can be scored by area.
 * Counted on the same bands of planted pixels as the rest of the truth.
 */
import { z } from 'zod';
import { arcBandBox, arcBandPolygon, bubblePolygon, bubbleReach, bubbleZone, clipBox, focusWeight, inArcBand, type Box, type PlantedRealism } from './geometry.js';
import { ARTEFACT_TYPES, type ArtefactType } from './options.js';

const Shape = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('circle'), x: z.number(), y: z.number(), r: z.number().positive() }),
  z.object({ kind: z.literal('polygon'), points: z.array(z.tuple([z.number(), z.number()])).min(3) }),
]);

export const TruthArtefact = z.object({
  type: z.enum(ARTEFACT_TYPES),
  /** index among the artefacts of its type */
  id: z.number().int().nonnegative(),
  /** µm, level-0 slide space; focus: the circle where the blur blend reaches one half */
  shape: Shape,
  /** area of the shape inside the image, µm² */
  areaUm2: z.number().nonnegative(),
  /** tissue under it, µm² (ice: the tissue the hole removed, which is no longer tissue) */
  tissueAreaUm2: z.number().nonnegative(),
  /** what it mostly lies over: ice holes are always inside fibres */
  over: z.enum(['tissue', 'glass']),
  /** focus: radius (µm) where the blur blend falls to zero, the edge of any change */
  reachUm: z.number().optional(),
  /** pen: ink colour; fold: concentration factor */
  colour: z.string().optional(),
  factor: z.number().optional(),
});
export type TruthArtefact = z.infer<typeof TruthArtefact>;

const PerType = z.object({ focus: z.number(), fold: z.number(), ice: z.number(), pen: z.number(), bubble: z.number() });

export const TruthRealism = z.object({
  illumination: z.object({ gradient: z.number(), gradientAngleRad: z.number(), vignette: z.number() }),
  artefacts: z.array(TruthArtefact),
  /** per type, the tissue area covered by its union (ice: hole area), µm² */
  artefactTissueAreaUm2: PerType,
});
export type TruthRealism = z.infer<typeof TruthRealism>;

interface Item {
  type: ArtefactType;
  id: number;
  box: Box;
  inside: (x: number, y: number) => boolean;
  shape: z.infer<typeof Shape>;
  pixels: number;
  tissuePixels: number;
  colour?: string;
  factor?: number;
  reachUm?: number;
}

const BIT: Record<ArtefactType, number> = { focus: 1, fold: 2, ice: 4, pen: 8, bubble: 16 };

/** Streams bands of planted tissue through `add`, then `result` gives the truth block. */
export class RealismTally {
  private readonly items: Item[];
  private readonly union: Record<ArtefactType, number> = { focus: 0, fold: 0, ice: 0, pen: 0, bubble: 0 };
  private mask = new Uint8Array(0);

  constructor(private readonly r: PlantedRealism, private readonly width: number, private readonly mpp: number) {
    const um = (v: number): number => round(v * mpp);
    const poly = (pts: [number, number][]) => ({ kind: 'polygon' as const, points: pts.map(([x, y]) => [um(x), um(y)] as [number, number]) });
    const circle = (x: number, y: number, rr: number) => ({ kind: 'circle' as const, x: um(x), y: um(y), r: um(rr) });
    const items: Item[] = [];
    const add = (it: Omit<Item, 'pixels' | 'tissuePixels'>): void => void items.push({ ...it, pixels: 0, tissuePixels: 0 });
    r.focus.forEach((f, id) => add({ type: 'focus', id, box: sq(f.cx, f.cy, f.outer), inside: (x, y) => focusWeight(f, x, y) >= 0.5, shape: circle(f.cx, f.cy, (f.inner + f.outer) / 2), reachUm: um(f.outer) }));
    r.folds.forEach((f, id) => add({ type: 'fold', id, box: arcBandBox(f.band), inside: (x, y) => inArcBand(f.band, x, y), shape: poly(arcBandPolygon(f.band)), factor: round(f.factor) }));
    r.ice.forEach((h, id) => add({ type: 'ice', id, box: sq(h.cx, h.cy, h.r), inside: (x, y) => (x - h.cx) ** 2 + (y - h.cy) ** 2 <= h.r * h.r, shape: circle(h.cx, h.cy, h.r) }));
    r.pens.forEach((p, id) => add({ type: 'pen', id, box: arcBandBox(p.band), inside: (x, y) => inArcBand(p.band, x, y), shape: poly(arcBandPolygon(p.band)), colour: p.colour }));
    r.bubbles.forEach((b, id) => add({ type: 'bubble', id, box: sq(b.cx, b.cy, bubbleReach(b)), inside: (x, y) => bubbleZone(b, x, y) !== 0, shape: poly(bubblePolygon(b)) }));
    this.items = items;
  }

  /** One band of rows [y0, y0 + rows) of the planted tissue mask (1 = tissue), held from `offset` with `stride` values per row. */
  add(y0: number, rows: number, tissue: Uint8Array, offset = 0, stride = this.width): void {
    const w = this.width;
    const n = w * rows;
    if (this.mask.length < n) this.mask = new Uint8Array(n);
    const mask = this.mask;
    mask.fill(0, 0, n);
    for (const it of this.items) {
      const box = clipBox(it.box, 0, y0, w, rows);
      if (!box) continue;
      const bit = BIT[it.type];
      for (let y = box.y0; y <= box.y1; y++) {
        for (let x = box.x0, p = (y - y0) * w + box.x0, q = offset + (y - y0) * stride + box.x0; x <= box.x1; x++, p++, q++) {
          if (!it.inside(x, y)) continue;
          it.pixels++;
          // an ice hole is tissue that is missing: it counts as the tissue it removed
          if (tissue[q] || it.type === 'ice') {
            it.tissuePixels++;
            mask[p] |= bit;
          }
        }
      }
    }
    for (let p = 0; p < n; p++) {
      const m = mask[p];
      if (m === 0) continue;
      for (const t of ARTEFACT_TYPES) if (m & BIT[t]) this.union[t]++;
    }
  }

  result(): TruthRealism {
    const a = this.mpp * this.mpp;
    return {
      illumination: { gradient: round(this.r.gradient, 6), gradientAngleRad: round(this.r.gradientAngle, 6), vignette: round(this.r.vignette, 6) },
      artefacts: this.items.map((it) => ({
        type: it.type,
        id: it.id,
        shape: it.shape,
        areaUm2: round(it.pixels * a),
        tissueAreaUm2: round(it.tissuePixels * a),
        over: it.type === 'ice' || 2 * it.tissuePixels >= it.pixels ? ('tissue' as const) : ('glass' as const),
        ...(it.colour ? { colour: it.colour } : {}),
        ...(it.factor ? { factor: it.factor } : {}),
        ...(it.reachUm ? { reachUm: it.reachUm } : {}),
      })),
      artefactTissueAreaUm2: {
        focus: round(this.union.focus * a),
        fold: round(this.union.fold * a),
        ice: round(this.union.ice * a),
        pen: round(this.union.pen * a),
        bubble: round(this.union.bubble * a),
      },
    };
  }
}

function sq(cx: number, cy: number, r: number): Box {
  return { x0: cx - r, y0: cy - r, x1: cx + r, y1: cy + r };
}

function round(v: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
