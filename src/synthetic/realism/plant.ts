/**
 * Draws the realism block's geometry from its own random stream, so turning it on leaves the
 * rest of the scene (tissue, cells, stains) as it was and only adds light and artefacts.
 */
import { Rng } from '../rng.js';
import { INK_COLOURS, type ArcBand, type Bubble, type FocusPatch, type Fold, type PenStroke, type PlantedRealism } from './geometry.js';
import { MAX_RANDOM_ILLUMINATION, type RealismConfig } from './options.js';

/** Ink OD directions (unit, R G B), chosen well off any H-DAB plane: marker inks are dyes, not stains. */
const INK: Record<(typeof INK_COLOURS)[number], readonly [number, number, number]> = {
  // blue absorbs red most, a little green
  blue: unit([0.9, 0.42, 0.05]),
  // green absorbs red and blue
  green: unit([0.7, 0.18, 0.69]),
  // black: dense and nearly neutral, slightly bluish as marker blacks are
  black: unit([0.66, 0.5, 0.56]),
};

export interface PlantContext {
  seed: number;
  width: number;
  height: number;
  mpp: number;
  /** is the (continuous) position tissue? folds and focus patches are placed on tissue when possible */
  inTissue: (x: number, y: number) => boolean;
}

/** The random stream of the realism block: independent of every stream a scene already draws from. */
export function realismRng(seed: number): Rng {
  return new Rng((seed * 7919 + 307) | 0);
}

export function plantRealism(cfg: RealismConfig, ctx: PlantContext, rng: Rng): PlantedRealism {
  const { width, height, mpp } = ctx;
  const um = (v: number): number => v / mpp;
  const minDimUm = Math.min(width, height) * mpp;
  const amplitude = (a: number | 'random'): number => (a === 'random' ? rng.uniform(0, MAX_RANDOM_ILLUMINATION) : a);
  const gradient = amplitude(cfg.gradient);
  const gradientAngle = rng.uniform(0, 2 * Math.PI);
  const vignette = amplitude(cfg.vignette);
  const heavySigma = um(rng.uniform(3, 5));

  const anywhere = (): [number, number] => [rng.uniform(0, width), rng.uniform(0, height)];
  const onTissue = (): [number, number] => {
    for (let k = 0; k < 30; k++) {
      const p = anywhere();
      if (ctx.inTissue(p[0], p[1])) return p;
    }
    return anywhere();
  };
  const band = (at: [number, number], halfWidthUm: number): ArcBand => {
    const r = um(rng.uniform(0.5, 1.5) * minDimUm);
    const length = um(rng.uniform(0.4, 0.9) * minDimUm);
    const span = Math.min(Math.PI, length / r);
    const phi = rng.uniform(0, 2 * Math.PI);
    // the arc's midpoint is `at`
    return { cx: at[0] - r * Math.cos(phi), cy: at[1] - r * Math.sin(phi), r, a0: phi - span / 2, span, halfWidth: um(halfWidthUm) };
  };

  const focus: FocusPatch[] = [];
  for (let i = 0; i < cfg.artefacts.focus; i++) {
    const [cx, cy] = onTissue();
    const outer = um(clamp(rng.uniform(0.12, 0.25) * minDimUm, 25, 600));
    focus.push({ cx, cy, outer, inner: 0.6 * outer });
  }
  const folds: Fold[] = [];
  for (let i = 0; i < cfg.artefacts.fold; i++) folds.push({ band: band(onTissue(), rng.uniform(6, 20)), factor: rng.uniform(1.8, 2.2) });
  const pens: PenStroke[] = [];
  for (let i = 0; i < cfg.artefacts.pen; i++) {
    const b = band(anywhere(), rng.uniform(8, 25));
    const colour = INK_COLOURS[rng.int(INK_COLOURS.length)];
    pens.push({ band: b, colour, vector: INK[colour], od: rng.uniform(0.8, 1.4) });
  }
  const bubbles: Bubble[] = [];
  for (let i = 0; i < cfg.artefacts.bubble; i++) {
    const [cx, cy] = anywhere();
    const r0 = um(clamp(rng.uniform(0.04, 0.12) * minDimUm, 10, 400));
    const irregular = rng.next() < 0.5;
    const harmonics = irregular ? [2, 3, 4].map((k) => ({ k, amp: rng.uniform(0, 0.12), phase: rng.uniform(0, 2 * Math.PI) })) : [];
    bubbles.push({ cx, cy, r0, harmonics, rim: um(rng.uniform(1.5, 3)), rimOd: rng.uniform(0.5, 0.9), interiorOd: rng.uniform(0.02, 0.06), interiorH: rng.uniform(0.03, 0.08) });
  }
  return { gradient, gradientAngle, vignette, width, height, heavySigma, focus, folds, pens, bubbles, ice: [], iceGrid: null, iceMaxR: 0 };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function unit(v: [number, number, number]): readonly [number, number, number] {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}
