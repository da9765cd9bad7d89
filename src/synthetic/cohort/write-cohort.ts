/**
 * Writes the demo cohort into a directory: patients.csv, biopsies.csv, slides.csv and
 * visits.csv in the format src/cohort/import.ts reads, the slides (tiled TIFF with their
 * ground truth beside them) under slides/, and cohort.json with the design and the planted
 * values. A directory that already holds this cohort (same generator, seed and size) is reused:
 * nothing is planned again, and only slides that are missing are written.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { MetadataError } from '../../errors/index.js';
import { MEASURE_IDS } from '../../domain/outcome.js';
import { importCohort, type Cohort } from '../../cohort/import.js';
import { MuscleOptions } from '../muscle/options.js';
import { makeMuscleScene } from '../muscle/scene.js';
import { writeMuscleSlide } from '../muscle/write-slide.js';
import { truthPathOf } from '../write-slide.js';
import { planDemoCohort, type CohortPlan, type PlannedSlide, type PlantedPatient } from './plan.js';
import { COHORT_MARKERS, COHORT_TIMEPOINTS } from './planted-effects.js';

export const DEMO_COHORT_GENERATOR = 'biopsy-quant-demo-cohort/2';
const MANIFEST = 'cohort.json';
const SLIDES_DIR = 'slides';

const PerTimepoint = <T extends z.ZodType>(t: T) => z.object({ baseline: t, 'month-6': t });

const Manifest = z.object({
  generator: z.literal(DEMO_COHORT_GENERATOR),
  seed: z.number().int(),
  size: z.number().int().positive(),
  slides: z.array(
    z.object({
      patient: z.string().min(1),
      timepoint: z.enum(COHORT_TIMEPOINTS),
      marker: z.enum(COHORT_MARKERS),
      name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a plain file name'),
      scene: MuscleOptions,
    }),
  ),
  planted: z.array(
    z.object({
      patient: z.string().min(1),
      responder: z.boolean(),
      macrophagesPerMm2: PerTimepoint(z.number()),
      mhcFraction: PerTimepoint(z.number()),
      il1aExpressed: PerTimepoint(z.boolean()),
      il1raExpressed: PerTimepoint(z.boolean()),
      il1aBaselinePctArea: z.number(),
      fi2Change: z.number(),
    }),
  ),
});

export interface DemoSlide extends PlannedSlide {
  /** absolute path of the slide file */
  path: string;
}

export interface DemoCohort {
  dir: string;
  cohort: Cohort;
  slides: DemoSlide[];
  planted: PlantedPatient[];
  /** true when the directory already held this cohort's design */
  reused: boolean;
}

export interface DemoCohortOptions {
  seed?: number;
  /** slide edge in px (default DEMO_SLIDE_SIZE) */
  size?: number;
  /**
   * slides.csv names each file relative to this directory (default: the cohort directory), e.g.
   * the data directory when the cohort lives inside it
   */
  filesRelativeTo?: string;
}

const csv = (rows: Record<string, unknown>[], columns: string[]) => stringify(rows, { header: true, columns });

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, file);
}

async function writePlan(dir: string, plan: CohortPlan, relativeTo: string): Promise<void> {
  await rm(path.join(dir, SLIDES_DIR), { recursive: true, force: true });
  await mkdir(path.join(dir, SLIDES_DIR), { recursive: true });
  const fileOf = (s: PlannedSlide) => path.relative(relativeTo, path.join(dir, SLIDES_DIR, s.name)).split(path.sep).join('/');
  await writeAtomic(path.join(dir, 'patients.csv'), csv(plan.patients, ['pseudonym', 'diagnosis']));
  await writeAtomic(path.join(dir, 'biopsies.csv'), csv(plan.biopsies, ['patient', 'timepoint', 'date', 'muscle']));
  await writeAtomic(path.join(dir, 'slides.csv'), csv(plan.slides.map((s) => ({ ...s, file: fileOf(s) })), ['patient', 'timepoint', 'marker', 'file']));
  await writeAtomic(path.join(dir, 'visits.csv'), csv(plan.visits, ['patient', 'timepoint', 'date', ...MEASURE_IDS]));
  // the manifest last: its presence says the tables are complete
  const manifest = { generator: DEMO_COHORT_GENERATOR, seed: plan.seed, size: plan.size, slides: plan.slides, planted: plan.planted };
  await writeAtomic(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
}

async function readManifest(dir: string): Promise<z.infer<typeof Manifest> | null> {
  const file = path.join(dir, MANIFEST);
  if (!existsSync(file)) return null;
  const parsed = Manifest.safeParse(JSON.parse(await readFile(file, 'utf8')));
  return parsed.success ? parsed.data : null;
}

/** The cohort's tables (written or reused) and where each slide goes; slides are not rendered here. */
export async function prepareDemoCohort(dir: string, opts: DemoCohortOptions = {}): Promise<DemoCohort> {
  const abs = path.resolve(dir);
  await mkdir(abs, { recursive: true });
  const relativeTo = path.resolve(opts.filesRelativeTo ?? abs);
  let manifest = await readManifest(abs);
  const seed = opts.seed ?? manifest?.seed;
  const size = opts.size ?? manifest?.size;
  const reused = manifest !== null && (seed === undefined || manifest.seed === seed) && (size === undefined || manifest.size === size);
  if (!reused) {
    await writePlan(abs, planDemoCohort({ seed, size }), relativeTo);
    manifest = await readManifest(abs);
    if (!manifest) throw new MetadataError(`demo cohort: ${path.join(abs, MANIFEST)} was written but cannot be read back`);
  }
  const m = manifest!;
  const read = async (name: string) => ({ name, text: await readFile(path.join(abs, name), 'utf8') });
  const cohort = importCohort({
    patients: await read('patients.csv'),
    biopsies: await read('biopsies.csv'),
    slides: await read('slides.csv'),
    visits: await read('visits.csv'),
  });
  const slides = m.slides.map((s) => ({ ...s, path: path.join(abs, SLIDES_DIR, s.name) }));
  return { dir: abs, cohort, slides, planted: m.planted, reused };
}

/** Renders a slide unless it (and its ground truth, written after the image) is already there. */
export async function ensureDemoSlide(slide: DemoSlide): Promise<boolean> {
  if (existsSync(slide.path) && existsSync(truthPathOf(slide.path))) return false;
  await writeMuscleSlide(makeMuscleScene(slide.scene), slide.path, 'tiled-tiff');
  return true;
}

/** The whole cohort on disk: tables, then every slide that is missing. */
export async function writeDemoCohort(dir: string, opts: DemoCohortOptions = {}): Promise<DemoCohort> {
  const c = await prepareDemoCohort(dir, opts);
  for (const s of c.slides) await ensureDemoSlide(s);
  return c;
}
