import type { Command } from 'commander';
import Table from 'cli-table3';
import { apiFetch, apiTarget } from '../api/client.js';
import { ScoreQuery, type ScoreJson } from '../api/schemas.js';
import { MetadataError } from '../errors/index.js';
import { addApiOptions, type ApiCliOptions } from './status-command.js';

interface ScoresOptions extends ApiCliOptions {
  patient?: string;
  marker?: string;
  timepoint?: string;
  slide?: string;
  biopsy?: string;
  format: string;
  signedOff?: boolean;
}

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

function scoresTable(rows: ScoreJson[]): string {
  const table = new Table({
    head: ['slide', 'patient', 'timepoint', 'marker', 'review', 'tissue mm²', 'cells/mm²', 'pos/mm²', '% pos', 'H-score', 'Allred', '% DAB area'],
    style: { head: [], border: [] },
  });
  for (const r of rows) {
    const s = r.scores;
    table.push([r.slideId, r.patient ?? '', r.timepoint ?? '', r.marker ?? '', `${r.reviewState} v${r.reviewVersion}`, fmt(s.tissueAreaMm2, 3), fmt(s.cellsPerMm2, 0),
      fmt(s.positiveCellsPerMm2, 0), fmt(s.pctPositive), fmt(s.hScore), s.allred, fmt(s.pctPositiveArea, 2)]);
  }
  return table.toString();
}

/**
 * The query string of `GET /scores` for the options, checked and made canonical by the API's own
 * schema ('--marker CD-163' asks for CD163), so a bad filter is refused here with the same message.
 */
export function scoresQuery(o: Pick<ScoresOptions, 'patient' | 'marker' | 'timepoint' | 'slide' | 'biopsy' | 'format' | 'signedOff'>): URLSearchParams {
  const { patient, marker, timepoint, slide, biopsy } = o;
  const signedOff = o.signedOff ? 'true' : undefined;
  const parsed = ScoreQuery.safeParse({ patient, marker, timepoint, slide, biopsy, signedOff, format: o.format === 'csv' ? 'csv' : 'json' });
  if (!parsed.success) throw new MetadataError(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; '));
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(parsed.data)) if (value !== undefined) query.set(key, String(value));
  return query;
}

export function registerScores(program: Command): void {
  const cmd = program
    .command('scores')
    .description('per-slide scores from a running `serve`, filtered by patient, marker, timepoint, slide or biopsy')
    .option('--patient <id>')
    .option('--marker <m>')
    .option('--timepoint <t>')
    .option('--slide <id>', 'slide id')
    .option('--biopsy <patient:timepoint>')
    .option('--format <f>', 'table, csv or json', 'table')
    .option('--signed-off', 'only analyses whose review is signed off, with their scores as signed');
  addApiOptions(cmd).action(async (o: ScoresOptions) => {
    if (!['table', 'csv', 'json'].includes(o.format)) throw new MetadataError(`--format must be table, csv or json (got "${o.format}")`);
    const res = await apiFetch(apiTarget(o), `/scores?${scoresQuery(o)}`);
    if (o.format === 'csv') process.stdout.write(await res.text());
    else if (o.format === 'json') process.stdout.write(`${JSON.stringify(await res.json(), null, 2)}\n`);
    else process.stdout.write(`${scoresTable((await res.json()) as ScoreJson[])}\n`);
  });
}
