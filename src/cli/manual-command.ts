import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import Table from 'cli-table3';
import { latestAnalyses } from '../cohort/research-rows.js';
import { parseManualReads } from '../cohort/validation/manual-import.js';
import { countQupathPoints, pointRead } from '../cohort/validation/point-counts.js';
import { biopsySlideOf, findTimepoint } from '../domain/biopsy.js';
import type { ManualScoreInput } from '../domain/manual-score.js';
import { canonicalMarker } from '../domain/marker.js';
import { formatIssue, MetadataError, StoreInputError, type ImportIssue } from '../errors/index.js';
import type { Store } from '../store/store.js';
import { sig3 } from './comparison-table.js';
import { withCohortStore, type StoreCliOptions } from './cohort-store.js';

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((e: Error) => Promise.reject(new MetadataError(`${file}: cannot read (${e.message})`)));
}

/** Every problem, then exit 1: nothing was stored. */
function refuse(issues: readonly ImportIssue[]): void {
  process.stderr.write(`manual reads not imported, ${issues.length} problem${issues.length === 1 ? '' : 's'} (nothing was stored):\n`);
  for (const issue of issues) process.stderr.write(`  ${formatIssue(issue)}\n`);
  process.exitCode = 1;
}

async function storeReads(o: StoreCliOptions, reads: ManualScoreInput[]): Promise<void> {
  let summary;
  try {
    summary = await withCohortStore(o, (s) => s.importManualScores(reads));
  } catch (err) {
    if (!(err instanceof StoreInputError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  const replaced = summary.replaced ? `, ${summary.replaced} replacing an earlier read` : '';
  process.stdout.write(`imported ${summary.stored} manual reads by ${summary.raters.join(', ')}${replaced}\n`);
}

/** `<patient>_<timepoint>_<marker>.geojson` (how the demo names its slides), when not given as options. */
export function slideOfFile(file: string): { patient: string; timepoint: string; marker: string } | undefined {
  const m = /^(.+?)_(.+?)_(.+?)(\.[a-z]+)?\.geojson$/i.exec(path.basename(file));
  return m && findTimepoint(m[2]) ? { patient: m[1], timepoint: findTimepoint(m[2])!, marker: m[3] } : undefined;
}

/** The slide's analysed tissue area from its latest analysis (as signed, when signed off). */
async function analysedArea(s: Store, slide: { patient: string; timepoint: string; marker: string }): Promise<number | undefined> {
  const { latest } = latestAnalyses(await s.listScores({ patient: slide.patient, timepoint: slide.timepoint, marker: canonicalMarker(slide.marker) }));
  return latest.get(biopsySlideOf(slide.patient, slide.timepoint, canonicalMarker(slide.marker)))?.scores.tissueAreaMm2;
}

export interface PointOptions {
  rater: string;
  date: string;
  score: string;
  /** comma-separated point classes to count */
  class?: string;
  patient?: string;
  timepoint?: string;
  marker?: string;
  areaMm2?: string;
}

/**
 * The manual reads a set of QuPath point exports make, one per file, with every problem; the
 * slide from the options or the file name, a density over the slide's analysed tissue area
 * unless --area-mm2 gives another.
 */
export async function pointReadsFromFiles(s: Store, files: readonly string[], o: PointOptions): Promise<{ reads: ManualScoreInput[]; issues: ImportIssue[] }> {
  const classes = o.class?.split(',').map((c) => c.trim()).filter(Boolean);
  const given = o.patient && o.timepoint && o.marker ? { patient: o.patient, timepoint: o.timepoint, marker: o.marker } : undefined;
  if (given && files.length > 1) throw new MetadataError('--patient/--timepoint/--marker name one slide: give one file');
  const issues: ImportIssue[] = [];
  const reads: ManualScoreInput[] = [];
  for (const file of files) {
    const name = path.basename(file);
    const slide = given ?? slideOfFile(file);
    if (!slide) {
      issues.push({ file: name, row: null, field: null, message: 'cannot tell the slide: name the file <patient>_<timepoint>_<marker>.geojson or give --patient, --timepoint and --marker' });
      continue;
    }
    const counted = countQupathPoints(await readText(file), name, classes);
    if (!counted.ok) {
      issues.push(...counted.issues);
      continue;
    }
    const areaMm2 = o.areaMm2 !== undefined ? Number(o.areaMm2) : await analysedArea(s, slide);
    const r = pointRead(counted.counts, { file: name, ...slide, rater: o.rater, date: o.date, score: o.score, areaMm2, classes });
    if (r.ok) reads.push(r.read);
    else issues.push(...r.issues);
  }
  return { reads, issues };
}

/**
 * `manual import <files...>` and `manual points <geojson...>` (issue 17): pathologists' reads in,
 * validated whole (file, row and field of every problem) and stored per rater, or nothing stored.
 * `manual list` shows what is stored.
 */
export function registerManual(program: Command): void {
  const manual = program.command('manual').description("pathologists' manual reads for the method comparison (`validate`)");
  const dataDir = ['--data-dir <dir>', 'where the embedded store lives (default: DATA_DIR or ./data; DATABASE_URL wins)'] as const;
  manual
    .command('import')
    .description('import manual reads from CSV or JSON: patient, timepoint, marker, rater, date, score, value[, unit]; all or nothing')
    .argument('<files...>', '.csv (header row) or .json (array of objects) files')
    .option(...dataDir)
    .action(async (files: string[], o: StoreCliOptions) => {
      const parsed = parseManualReads(await Promise.all(files.map(async (f) => ({ name: path.basename(f), text: await readText(f) }))));
      if (!parsed.ok) return refuse(parsed.issues);
      await storeReads(o, parsed.reads);
    });
  manual
    .command('points')
    .description("count QuPath point annotations (GeoJSON) per slide into a manual read: a count, or per mm² of the slide's analysed tissue")
    .argument('<files...>', 'QuPath GeoJSON exports, one per slide (named <patient>_<timepoint>_<marker>.geojson unless --patient/--timepoint/--marker say)')
    .requiredOption('--rater <id>', 'who counted')
    .requiredOption('--date <YYYY-MM-DD>', 'when')
    .requiredOption('--score <s>', 'density (per mm²) or a count score such as positiveCells')
    .option('--class <list>', 'count only these point classes (comma-separated, case-insensitive)')
    .option('--patient <p>')
    .option('--timepoint <t>')
    .option('--marker <m>')
    .option('--area-mm2 <a>', "the area counted over, mm² (default: the slide's analysed tissue area)")
    .option(...dataDir)
    .action(async (files: string[], o: PointOptions & StoreCliOptions) => {
      const { reads, issues } = await withCohortStore(o, (s) => pointReadsFromFiles(s, files, o));
      if (issues.length > 0) return refuse(issues);
      await storeReads(o, reads);
    });
  manual
    .command('list')
    .description('the stored manual reads')
    .option('--score <s>')
    .option('--marker <m>')
    .option('--rater <id>')
    .option(...dataDir)
    .action(async (o: StoreCliOptions & { score?: string; marker?: string; rater?: string }) => {
      const rows = await withCohortStore(o, (s) => s.listManualScores({ score: o.score, marker: o.marker, raters: o.rater ? [o.rater] : undefined }));
      const t = new Table({ head: ['score', 'slide', 'rater', 'value', 'date', 'source'], style: { head: [], border: [] } });
      for (const r of rows) t.push([r.score, biopsySlideOf(r.patient, r.timepoint, r.marker), r.rater, sig3(r.value), r.date, r.source]);
      process.stdout.write(rows.length ? `${t.toString()}\n` : 'no manual reads stored\n');
    });
}
