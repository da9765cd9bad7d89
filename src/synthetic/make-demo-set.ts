/**
 * Writes the shipped demo set into slides/: four small synthetic CD163 / IL-1Ra slides in the
 * four everyday formats, their ground truth and manifest.json. Deterministic: rerunning gives
 * the same files. Run: npx tsx src/synthetic/make-demo-set.ts [outDir]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ManifestEntry } from '../domain/manifest.js';
import { makeScene, type SceneOptionsInput } from './scene.js';
import { truthPathOf, writeSyntheticSlide, type SyntheticFormat } from './write-slide.js';

interface DemoSlide {
  file: string;
  format: SyntheticFormat;
  patient: string;
  timepoint: 'baseline' | 'month-6';
  marker: string;
  scene: SceneOptionsInput;
}

/**
 * Seeds stay below 1000 (held out for evaluation). All slides grade the whole cell, the
 * analysis default, because the compartment is one setting for a whole run.
 * Two patients: one whose CD163 infiltrate recedes, one whose IL-1Ra expression rises.
 */
export const DEMO_SLIDES: DemoSlide[] = [
  {
    file: 'P01-baseline-CD163.tif',
    format: 'pyramidal-tiff',
    patient: 'P01',
    timepoint: 'baseline',
    marker: 'CD163',
    scene: { seed: 101, width: 1280, height: 1280, cellsPerMm2: 1400, fractionPositive: 0.55, gradeMix: [0.3, 0.4, 0.3] },
  },
  {
    file: 'P01-month6-CD163.svs',
    format: 'svs',
    patient: 'P01',
    timepoint: 'month-6',
    marker: 'CD163',
    scene: { seed: 102, width: 1600, height: 1400, cellsPerMm2: 800, fractionPositive: 0.2, gradeMix: [0.6, 0.3, 0.1] },
  },
  {
    file: 'P02-baseline-IL1Ra.png',
    format: 'png',
    patient: 'P02',
    timepoint: 'baseline',
    marker: 'IL-1Ra',
    // PNG keeps the noise losslessly, so this one is smaller to keep slides/ light
    scene: { seed: 103, width: 1200, height: 1024, cellsPerMm2: 1000, fractionPositive: 0.1, gradeMix: [0.7, 0.25, 0.05], noiseSigma: 2, patchesPerMm2: 3 },
  },
  {
    file: 'P02-month6-IL1Ra.jpg',
    format: 'jpeg',
    patient: 'P02',
    timepoint: 'month-6',
    marker: 'IL-1Ra',
    scene: { seed: 104, width: 1400, height: 1400, cellsPerMm2: 1100, fractionPositive: 0.45, gradeMix: [0.35, 0.4, 0.25], patchesPerMm2: 14 },
  },
];

export async function makeDemoSet(outDir: string): Promise<ManifestEntry[]> {
  await mkdir(outDir, { recursive: true });
  const entries: ManifestEntry[] = [];
  for (const d of DEMO_SLIDES) {
    const scene = makeScene(d.scene);
    const file = path.join(outDir, d.file);
    await writeSyntheticSlide(scene, file, d.format);
    entries.push({
      file: d.file,
      patient: d.patient,
      timepoint: d.timepoint,
      marker: d.marker,
      // only JPEG states no pixel size of its own
      ...(d.format === 'jpeg' ? { mpp: scene.mpp } : {}),
      truth: path.basename(truthPathOf(file)),
    });
  }
  await writeFile(path.join(outDir, 'manifest.json'), `${JSON.stringify({ slides: entries }, null, 2)}\n`);
  return entries;
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const outDir = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../slides');
  const entries = await makeDemoSet(outDir);
  process.stdout.write(`wrote ${entries.length} demo slides and manifest.json to ${outDir}\n`);
}
