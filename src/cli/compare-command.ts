import type { Command } from 'commander';
import { CompareRequest, runComparison } from '../cohort/compare-request.js';
import { researchRows } from '../cohort/research-rows.js';
import { MetadataError } from '../errors/index.js';
import { withCohortStore, type StoreCliOptions } from './cohort-store.js';
import { comparisonTableText } from './comparison-table.js';

interface CompareOptions extends StoreCliOptions {
  marker?: string;
  score?: string;
  from?: string;
  to?: string;
  by?: string;
  timepoint?: string;
  groups?: boolean;
  outcome?: string;
  at?: string;
  changeFrom?: string;
  fisher?: boolean;
  table?: boolean;
  markers?: string;
  scores?: string;
  json?: boolean;
  signedOff?: boolean;
  model?: string;
}

/** request field → the option that sets it, so a refusal names what the user typed */
const OPTION_OF: Record<string, string> = {
  marker: '--marker', score: '--score', from: '--from', to: '--to', by: '--by', timepoint: '--timepoint', outcome: '--outcome',
  at: '--at', changeFrom: '--change-from', markers: '--markers', scores: '--scores',
};

/** The request the options describe: --groups, --fisher and --outcome pick the test, --table runs it for every marker × score. */
export function compareRequestOf(o: CompareOptions): CompareRequest {
  const picked = [o.groups && '--groups', o.fisher && '--fisher', o.outcome !== undefined && '--outcome'].filter(Boolean);
  if (picked.length > 1) throw new MetadataError(`compare: ${picked.join(' and ')} ask for different tests; give one`);
  const of = o.groups ? 'groups' : o.fisher ? 'fisher' : o.outcome !== undefined ? 'correlation' : 'paired';
  const fields = {
    marker: o.marker, score: o.score, from: o.from, to: o.to, by: o.by, timepoint: o.timepoint,
    outcome: o.outcome, at: o.at, changeFrom: o.changeFrom, markers: o.markers, scores: o.scores,
  };
  const given = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  const request = o.table ? { kind: 'table', of, ...given } : { kind: of, ...given };
  const parsed = CompareRequest.safeParse(request);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => {
      if (i.code === 'unrecognized_keys') return `${i.keys.map((k) => OPTION_OF[k] ?? k).join(', ')} ${i.keys.length === 1 ? 'does' : 'do'} not apply to this comparison`;
      const field = String(i.path[0] ?? '');
      return `${OPTION_OF[field] ?? field}${i.path.length > 1 ? ` (item ${Number(i.path[1]) + 1})` : ''}: ${i.message}`;
    });
    throw new MetadataError(`compare: ${detail.join('; ')}`);
  }
  return request as CompareRequest;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare stored scores across the cohort: paired (Wilcoxon), --groups (Mann–Whitney, responders vs non-responders), --outcome (Spearman), --fisher (expressed calls), --table (every marker × score, BH q)')
    .option('--marker <m>', 'marker (any registry spelling: CD163, IL-1Ra, MHC-I …)')
    .option('--score <s>', 'score name: density, pctPositiveArea, hScore, expressed, mhc1Grade, density_perimysial …')
    .option('--from <t>', 'paired: first timepoint (default baseline)')
    .option('--to <t>', 'paired: second timepoint (default month-6)')
    .option('--by <responder>', 'paired: one row per responder group')
    .option('--timepoint <t>', 'timepoint of the score for --groups, --outcome, --fisher (default baseline)')
    .option('--groups', 'responders vs non-responders (Mann–Whitney U)')
    .option('--outcome <measure>', 'correlate with this visit measure (fi2, mmt8, ck …; Spearman)')
    .option('--at <t>', 'timepoint of the outcome')
    .option('--change-from <t>', 'correlate with the outcome change since this timepoint')
    .option('--fisher', "responders vs non-responders expressing the marker (Fisher's exact)")
    .option('--table', 'every marker × score (or --markers / --scores, comma-separated) with Benjamini–Hochberg q')
    .option('--markers <list>')
    .option('--scores <list>')
    .option('--json', 'print the rows as JSON')
    .option('--signed-off', 'only analyses whose review is signed off, with their scores as signed')
    .option('--model <id>', "only analyses whose nuclei this detector found: its stored model id ('classical-watershed-1', 'nuclei-unet@<hash>')")
    .option('--data-dir <dir>', 'where the embedded store lives (default: DATA_DIR or ./data; DATABASE_URL wins)')
    .action(async (o: CompareOptions) => {
      const request = CompareRequest.parse(compareRequestOf(o));
      const rows = await withCohortStore(o, async (store) => runComparison(await researchRows(store, { signedOff: o.signedOff, modelId: o.model }), request));
      if (o.json) process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
      else process.stdout.write(rows.length ? `${comparisonTableText(rows)}\n` : 'no scores to compare\n');
    });
}
