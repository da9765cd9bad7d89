import path from 'node:path';
import type { Command } from 'commander';
import { validateFromStore } from '../cohort/validation/validation-bundle.js';
import { writeValidation } from '../cohort/validation/write-validation.js';
import { ValidationRequest } from '../cohort/validation/validation-schemas.js';
import { MetadataError } from '../errors/index.js';
import { loadConfig } from '../runtime/config.js';
import { withCohortStore, type StoreCliOptions } from './cohort-store.js';
import { validationTableText } from './validation-table.js';

interface ValidateOptions extends StoreCliOptions {
  score: string;
  marker?: string;
  timepoint?: string;
  raters?: string;
  slides?: string;
  signedOffOnly?: boolean;
  out?: string;
  json?: boolean;
}

const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map((x) => x.trim()).filter(Boolean));

/** request field → the option that sets it, so a refusal names what the user typed */
const OPTION_OF: Record<string, string> = { score: '--score', marker: '--marker', timepoint: '--timepoint', raters: '--raters', slides: '--slides' };

export function validationRequestOf(o: ValidateOptions): ValidationRequest {
  const r = ValidationRequest.safeParse({ score: o.score, marker: o.marker, timepoint: o.timepoint, raters: list(o.raters), slides: list(o.slides), signedOffOnly: o.signedOffOnly ?? false });
  if (!r.success) {
    throw new MetadataError(`validate: ${r.error.issues.map((i) => `${OPTION_OF[String(i.path[0])] ?? String(i.path[0])}${i.path.length > 1 ? ` (item ${Number(i.path[1]) + 1})` : ''}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}

/**
 * `validate --score <s>` (issue 17): the tool against the lab's manual reads of one score, and
 * the raters against each other; prints the table, writes the Bland–Altman and identity plots
 * (SVG) and a self-contained HTML report.
 */
export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description("method comparison: the tool's scores against the pathologists' manual reads (imported with `manual import|points`), and the raters against each other")
    .requiredOption('--score <s>', 'catalogue score: density, positiveCellsPerMm2, hScore, pctPositiveArea, mhc1PctPositive, mhc1Grade, infiltrateEndomysialGrade, expressed …')
    .option('--marker <m>', 'only this marker (default: every marker with the score)')
    .option('--timepoint <t>', 'only this timepoint')
    .option('--raters <list>', 'comma-separated rater ids (default: every rater with reads)')
    .option('--slides <list>', 'comma-separated biopsies <patient>:<timepoint> (default: all)')
    .option('--signed-off-only', "only slides whose review is signed off, with the tool's scores as signed")
    .option('--out <dir>', 'where the SVGs and report.html go (default: <data dir>/validation/<score>)')
    .option('--json', 'print the comparison as JSON instead of the table')
    .option('--data-dir <dir>', 'where the embedded store lives (default: DATA_DIR or ./data; DATABASE_URL wins)')
    .action(async (o: ValidateOptions) => {
      const request = validationRequestOf(o);
      const bundle = await withCohortStore(o, (store) => validateFromStore(store, request));
      const dir = path.resolve(o.out ?? path.join(o.dataDir ?? loadConfig().DATA_DIR, 'validation', [request.score, request.marker].filter(Boolean).join('-')));
      const report = await writeValidation(bundle, dir);
      if (o.json) process.stdout.write(`${JSON.stringify(bundle.report, null, 2)}\n`);
      else process.stdout.write(`${validationTableText(bundle.report)}\n`);
      process.stderr.write(`wrote ${bundle.plots.length} plots and ${report}\n`);
    });
}
