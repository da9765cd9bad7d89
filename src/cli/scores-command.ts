import type { Command } from 'commander';
import Table from 'cli-table3';
import { apiFetch, apiTarget } from '../api/client.js';
import type { ScoreJson } from '../api/schemas.js';
import { MetadataError } from '../errors/index.js';
import { addApiOptions, type ApiCliOptions } from './status-command.js';

interface ScoresOptions extends ApiCliOptions {
  patient?: string;
  marker?: string;
  timepoint?: string;
  slide?: string;
  biopsy?: string;
  format: string;
}

const fmt = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

function scoresTable(rows: ScoreJson[]): string {
  const table = new Table({
    head: ['slide', 'patient', 'timepoint', 'marker', 'tissue mm²', 'cells/mm²', 'pos/mm²', '% pos', 'H-score', 'Allred', '% DAB area'],
    style: { head: [], border: [] },
  });
  for (const r of rows) {
    const s = r.scores;
    table.push([r.slideId, r.patient ?? '', r.timepoint ?? '', r.marker ?? '', fmt(s.tissueAreaMm2, 3), fmt(s.cellsPerMm2, 0),
      fmt(s.positiveCellsPerMm2, 0), fmt(s.pctPositive), fmt(s.hScore), s.allred, fmt(s.pctPositiveArea, 2)]);
  }
  return table.toString();
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
    .option('--format <f>', 'table, csv or json', 'table');
  addApiOptions(cmd).action(async (o: ScoresOptions) => {
    if (!['table', 'csv', 'json'].includes(o.format)) throw new MetadataError(`--format must be table, csv or json (got "${o.format}")`);
    const query = new URLSearchParams();
    for (const key of ['patient', 'marker', 'timepoint', 'slide', 'biopsy'] as const) if (o[key] !== undefined) query.set(key, o[key]);
    query.set('format', o.format === 'csv' ? 'csv' : 'json');
    const res = await apiFetch(apiTarget(o), `/scores?${query}`);
    if (o.format === 'csv') process.stdout.write(await res.text());
    else if (o.format === 'json') process.stdout.write(`${JSON.stringify(await res.json(), null, 2)}\n`);
    else process.stdout.write(`${scoresTable((await res.json()) as ScoreJson[])}\n`);
  });
}
