import type { TileSpec } from '../domain/detection.js';
import type { AnalysisParams } from '../domain/params.js';
import { estimateMacenko } from '../stain/macenko.js';
import { HDAB_DEFAULT, type StainMatrix } from '../stain/vectors.js';
import type { Slide } from '../slide/types.js';

export interface StainChoice {
  matrix: StainMatrix;
  /** why the defaults were kept when Macenko was asked for */
  note?: string;
}

const SAMPLE_TILES = 6;
const SAMPLE_SIDE = 512;

/**
 * Per-slide stain vectors (Macenko) from a few tissue tiles spread over the slide, at the
 * analysis level: the overview is too blurred to separate stains.
 */
export async function chooseStains(slide: Slide, level: number, tiles: TileSpec[], params: AnalysisParams): Promise<StainChoice> {
  if (params.stain.mode === 'default') return { matrix: HDAB_DEFAULT };
  const step = Math.max(1, Math.floor(tiles.length / SAMPLE_TILES));
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < tiles.length && chunks.length < SAMPLE_TILES; i += step) {
    const c = tiles[i].core;
    const w = Math.min(SAMPLE_SIDE, c.x1 - c.x0);
    const h = Math.min(SAMPLE_SIDE, c.y1 - c.y0);
    chunks.push((await slide.readRegion(level, c.x0, c.y0, w, h)).data);
  }
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  const est = estimateMacenko(all, { i0: params.stain.i0 });
  if (est.degenerate) return { matrix: HDAB_DEFAULT, note: `Macenko estimation fell back to defaults: ${est.reason ?? 'degenerate'}` };
  return { matrix: est.matrix };
}
