import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { biopsyOf } from '../domain/biopsy.js';
import { csvText } from '../cohort/csv-text.js';
import { importManualReads } from '../cohort/validation/manual-import.js';
import { slideValuesOf } from '../cohort/validation/tool-values.js';
import { renderValidation, validateFromStore, type ValidationBundle } from '../cohort/validation/validation-bundle.js';
import type { ValidationRequest } from '../cohort/validation/validation-schemas.js';
import { writeValidation } from '../cohort/validation/write-validation.js';
import { runValidation } from '../cohort/validation/validation.js';
import type { Store } from '../store/store.js';
import type { DemoCohortRun } from './demo-cohort.js';
import { truthPathOf } from '../synthetic/write-slide.js';
import type { DemoSlide } from '../synthetic/cohort/write-cohort.js';
import { DEMO_RATERS, demoRaterReads, type DemoSlideTruth } from './demo-raters.js';

/** The demo's comparisons: one per score the synthetic pathologists read. */
export const DEMO_VALIDATIONS: readonly { score: string; marker: string }[] = [
  { score: 'density', marker: 'CD163' },
  { score: 'mhc1PctPositive', marker: 'MHC-I' },
  { score: 'mhc1Grade', marker: 'MHC-I' },
  { score: 'expressed', marker: 'IL-1Ra' },
];

export const DEMO_READS_FILE = 'manual-reads.csv';

export interface DemoValidation {
  /** the raters' reads as a file in the format `manual import` reads */
  readsFile: string;
  bundles: { dir: string; bundle: ValidationBundle }[];
}

const TruthScores = z.object({ scores: z.object({ cd163PerMm2: z.number(), mhcPctPositiveFibres: z.number(), il1Expressed: z.boolean().nullable() }) });

/**
 * What a pathologist looking at each demo biopsy's sections would see: the scores of the cells and
 * fibres planted in the pixels (each slide's .truth.json), not the cohort's planted rates, which a
 * small section only samples.
 */
export async function demoSlideTruthFromFiles(slides: readonly DemoSlide[]): Promise<DemoSlideTruth[]> {
  const scoresOf = async (s: DemoSlide) => TruthScores.parse(JSON.parse(await readFile(truthPathOf(s.path), 'utf8'))).scores;
  const biopsies = [...new Map(slides.map((s) => [biopsyOf(s.patient, s.timepoint), s])).values()];
  return Promise.all(
    biopsies.map(async (b) => {
      const section = (marker: string) => slides.find((s) => s.patient === b.patient && s.timepoint === b.timepoint && s.marker === marker)!;
      const [cd163, mhc1, il1ra] = await Promise.all([scoresOf(section('CD163')), scoresOf(section('MHC-I')), scoresOf(section('IL-1Ra'))]);
      return { patient: b.patient, timepoint: b.timepoint, cd163PerMm2: cd163.cd163PerMm2, mhc1PctPositive: mhc1.mhcPctPositiveFibres, il1raExpressed: il1ra.il1Expressed === true };
    }),
  );
}

/**
 * The method comparison on the demo cohort (issue 17): the two synthetic pathologists' reads
 * (demo-raters.ts) of every section's ground truth, written as `<cohort dir>/manual-reads.csv`, read back through the manual
 * import (so the demo goes the way a lab's file goes), stored when there is a store, and
 * the tool compared with them score by score; each comparison's figures and report go to
 * `<cohort dir>/validation/<score>/`.
 */
export async function demoValidation(run: DemoCohortRun, store?: Store): Promise<DemoValidation> {
  const reads = demoRaterReads(await demoSlideTruthFromFiles(run.cohort.slides));
  const readsFile = path.join(run.cohort.dir, DEMO_READS_FILE);
  const columns = ['patient', 'timepoint', 'marker', 'rater', 'date', 'score', 'value'] as const;
  await writeFile(readsFile, csvText(columns, reads.map((r) => columns.map((c) => r[c] as string | number))));
  const manual = importManualReads([{ name: DEMO_READS_FILE, text: await readFile(readsFile, 'utf8') }]);
  if (store) await store.importManualScores(manual);

  // the store may hold other slides (the shipped demo sections) and other raters: the cohort's own only
  const slides = [...new Set(run.cohort.slides.map((s) => biopsyOf(s.patient, s.timepoint)))];
  const raters = DEMO_RATERS.map((r) => r.id);
  const analysed = run.cohort.slides.flatMap((s, i) => {
    const o = run.outcomes[i];
    return o?.ok ? [{ patient: s.patient, timepoint: s.timepoint, marker: s.marker, scores: o.scores, markerScores: o.markerScores }] : [];
  });
  const bundles = [];
  for (const v of DEMO_VALIDATIONS) {
    const request: ValidationRequest = { ...v, raters, slides };
    const bundle = store ? await validateFromStore(store, request) : renderValidation(runValidation(slideValuesOf(analysed, v.score), manual, request), request);
    const dir = path.join(run.cohort.dir, 'validation', `${v.score}-${v.marker}`);
    await writeValidation(bundle, dir);
    bundles.push({ dir, bundle });
  }
  return { readsFile, bundles };
}
