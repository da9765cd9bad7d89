// A widened muscle scene analysed as the eval does, drawn over its own image at half size: planted
// fibres green, found fibres red, inflammatory cells located otherwise than planted circled yellow, with the planted location's initial.
// What showed seed 73's empty central fascicle (glass in pieces, bq-analysis-23).
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { paramsForMarker } from '../src/domain/marker.js';
import type { AnalysisParamsInput } from '../src/domain/params.js';
import { matchCentroids } from '../src/eval/match.js';
import { wideMuscleFormat } from '../src/eval/muscle-wide.js';
import { analyseSlide } from '../src/pipeline/analyse-slide.js';
import type { TileExecutor } from '../src/pipeline/executor.js';
import { makeMuscleScene, muscleTruthOf, writeMuscleSlide, type MuscleOptionsInput } from '../src/synthetic/muscle/index.js';
import { REGISTRY_MARKER } from '../src/synthetic/muscle/options.js';
import { syntheticExtension } from '../src/synthetic/write-slide.js';

export async function writeMuscleOverlay(options: MuscleOptionsInput, index: number, executor: TileExecutor, params: AnalysisParamsInput, out: string): Promise<string> {
  const scene = makeMuscleScene(options);
  const truth = muscleTruthOf(scene);
  const format = wideMuscleFormat(index);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bq-overlay-'));
  try {
    const file = path.join(dir, `scene.${syntheticExtension(format)}`);
    await writeMuscleSlide(scene, file, format);
    const marker = REGISTRY_MARKER[scene.marker];
    const o = await analyseSlide({ path: file, metadata: { marker }, params: paramsForMarker(marker, params), executor });
    if (!o.ok) return `analysis failed: ${o.error}`;
    const inflammatory = truth.cells.filter((c) => c.kind === 'infiltrate' || c.kind === 'macrophage');
    const misplaced = matchCentroids(inflammatory, o.detections, 4).pairs.filter(([t, f]) => inflammatory[t].location !== o.detections[f].location).map(([t]) => inflammatory[t]);
    const k = 0.5 / scene.mpp;
    const w = Math.round(scene.width * 0.5);
    const h = Math.round(scene.height * 0.5);
    const outline = (pts: readonly (readonly number[])[], colour: string) => `<polygon points="${pts.map(([x, y]) => `${(x * k).toFixed(1)},${(y * k).toFixed(1)}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="1.2"/>`;
    const svg = [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">`,
      ...truth.fibres.map((f) => outline(f.polygon, 'lime')),
      ...o.fibres.map((f) => outline(f.contour ?? [], 'red')),
      ...misplaced.map((c) => `<circle cx="${(c.x * k).toFixed(1)}" cy="${(c.y * k).toFixed(1)}" r="8" fill="none" stroke="yellow" stroke-width="2"/><text x="${(c.x * k + 9).toFixed(1)}" y="${(c.y * k + 4).toFixed(1)}" font-size="11" fill="yellow">${c.location[0]}</text>`),
      '</svg>',
    ].join('');
    const image = await sharp(file, { limitInputPixels: false }).resize(w, h).toBuffer();
    await sharp(image).composite([{ input: Buffer.from(svg) }]).png().toFile(out);
    return `${out}: ${truth.fibres.length} planted / ${o.fibres.length} found fibres, ${misplaced.length} cells located otherwise than planted; light ${JSON.stringify(o.provenance.illumination)}`;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
