/**
 * Writes the shipped demo set into slides/: four small synthetic muscle sections (CD163 and
 * IL-1Ra) in the four everyday formats, their ground truth and manifest.json. Deterministic:
 * rerunning gives the same files. Run: npx tsx src/synthetic/make-demo-set.ts [outDir]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ManifestEntry } from '../domain/manifest.js';
import { makeMuscleScene, writeMuscleSlide, type MuscleOptionsInput } from './muscle/index.js';
import { truthPathOf, type SyntheticFormat } from './write-slide.js';

export interface DemoSlide {
  file: string;
  format: SyntheticFormat;
  patient: string;
  timepoint: 'baseline' | 'month-6';
  /** the registry marker the manifest names; the scene's marker is the same stain */
  marker: 'CD163' | 'IL-1Ra';
  scene: MuscleOptionsInput;
  /** JPEG quality of the JPEG-compressed formats (labs export at 70–90) */
  quality: number;
}

/**
 * Lab light without artefacts: a few percent of gradient and vignetting, as a camera or scanner
 * gives. No folds, bubbles, pen or ice: QC is off by default, and the demo's figures are the
 * scores' own, not QC's.
 */
const LAB_LIGHT = { gradient: 0.03, vignette: 0.03 } as const;

/**
 * Seeds stay below 1000 (held out for evaluation). Two patients: P01, whose CD163+ macrophage
 * infiltrate recedes from baseline to month 6; P02, whose IL-1Ra is not expressed at baseline and
 * expressed at month 6 (the study's responders: "all had IL-1Ra expression post-treatment").
 * Whole-slide formats (TIFF, SVS, PNG) show glass round the section; the JPEG is a microscope
 * photograph of a section that fills the field, the commonest lab picture.
 */
export const DEMO_SLIDES: DemoSlide[] = [
  {
    file: 'P01-baseline-CD163.tif',
    format: 'pyramidal-tiff',
    patient: 'P01',
    timepoint: 'baseline',
    marker: 'CD163',
    scene: { seed: 101, width: 1536, height: 1408, mpp: 0.5, marker: 'CD163', sectionMarginUm: 60, macrophagesPerMm2: 280, vesselsPerMm2: 15, locationWeights: [0.4, 1, 1.5], realism: LAB_LIGHT },
    quality: 85,
  },
  {
    file: 'P01-month6-CD163.svs',
    format: 'svs',
    patient: 'P01',
    timepoint: 'month-6',
    marker: 'CD163',
    scene: { seed: 102, width: 1536, height: 1536, mpp: 0.5, marker: 'CD163', sectionMarginUm: 60, macrophagesPerMm2: 60, vesselsPerMm2: 15, locationWeights: [0.4, 1, 1.5], realism: LAB_LIGHT },
    quality: 80,
  },
  {
    file: 'P02-baseline-IL1Ra.png',
    format: 'png',
    patient: 'P02',
    timepoint: 'baseline',
    marker: 'IL-1Ra',
    // PNG keeps the noise losslessly, so this one is smaller and quieter to keep slides/ light
    scene: { seed: 103, width: 1152, height: 1024, mpp: 0.5, marker: 'IL-1Ra', sectionMarginUm: 50, il1Expressed: false, noiseSigma: 2, realism: LAB_LIGHT },
    quality: 90,
  },
  {
    file: 'P02-month6-IL1Ra.jpg',
    format: 'jpeg',
    patient: 'P02',
    timepoint: 'month-6',
    marker: 'IL-1Ra',
    scene: { seed: 104, width: 1600, height: 1200, mpp: 0.5, marker: 'IL-1Ra', sectionMarginUm: 0, il1Expressed: true, realism: LAB_LIGHT },
    quality: 82,
  },
];

export async function makeDemoSet(outDir: string): Promise<ManifestEntry[]> {
  await mkdir(outDir, { recursive: true });
  const entries: ManifestEntry[] = [];
  for (const d of DEMO_SLIDES) {
    const scene = makeMuscleScene(d.scene);
    const file = path.join(outDir, d.file);
    await writeMuscleSlide(scene, file, d.format, { quality: d.quality });
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
