import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { formatIssue, MetadataError, StoreInputError } from '../errors/index.js';
import { parseCohort, type CohortSources } from '../cohort/import.js';
import { withCohortStore, type StoreCliOptions } from './cohort-store.js';

type TableName = keyof CohortSources;

/** Which table a file holds, from its name: `patients.csv`, `study-visits.json`, `biopsy_slides.csv` … */
export function cohortTableOf(file: string): TableName {
  const name = path.basename(file).toLowerCase();
  if (!/\.(csv|json)$/.test(name)) throw new MetadataError(`${file}: expected a .csv or .json file`);
  // "biopsy_slides" names slides, so slides is looked for before biopsies
  const kinds: [TableName, RegExp][] = [['patients', /patient/], ['slides', /slide/], ['biopsies', /biops/], ['visits', /visit/]];
  const found = kinds.find(([, re]) => re.test(name));
  if (!found) throw new MetadataError(`${file}: cannot tell which table this is; name it patients, biopsies, slides or visits (.csv or .json)`);
  return found[0];
}

/** The files as import sources, one per table; a table given twice or no patients file is refused. */
export async function readCohortSources(files: readonly string[]): Promise<CohortSources> {
  const sources: Partial<CohortSources> = {};
  for (const file of files) {
    const table = cohortTableOf(file);
    if (sources[table]) throw new MetadataError(`two ${table} files: ${sources[table].name} and ${file}`);
    sources[table] = { name: path.basename(file), text: await readFile(file, 'utf8') };
  }
  if (!sources.patients) throw new MetadataError('a patients file (patients.csv or patients.json) is required: every row names a patient');
  return sources as CohortSources;
}

export function registerImport(program: Command): void {
  program
    .command('import')
    .description('import a cohort (patients, biopsies, slides, visits as .csv or .json, told apart by file name) into the store; all or nothing')
    .argument('<files...>', 'patients.csv and any of biopsies, slides, visits (.csv or .json)')
    .option('--data-dir <dir>', 'where the embedded store lives (default: DATA_DIR or ./data; DATABASE_URL wins)')
    .action(async (files: string[], o: StoreCliOptions) => {
      const parsed = parseCohort(await readCohortSources(files));
      if (!parsed.ok) {
        process.stderr.write(`cohort not imported, ${parsed.issues.length} problem${parsed.issues.length === 1 ? '' : 's'} (nothing was stored):\n`);
        for (const issue of parsed.issues) process.stderr.write(`  ${formatIssue(issue)}\n`);
        process.exitCode = 1;
        return;
      }
      let summary;
      try {
        summary = await withCohortStore(o, (store) => store.importCohort(parsed.cohort));
      } catch (err) {
        // the store's own checks (e.g. a slide whose biopsy is in no file given): refused as a whole, like a bad row
        if (!(err instanceof StoreInputError)) throw err;
        process.stderr.write(`${err.message}\n`);
        process.exitCode = 1;
        return;
      }
      const replaced = summary.replaced.length ? `; replaced the earlier records of ${summary.replaced.join(', ')}` : '';
      process.stdout.write(`imported ${summary.patients} patients, ${summary.biopsies} biopsies, ${summary.slides} slides, ${summary.visits} visits${replaced}\n`);
    });
}
