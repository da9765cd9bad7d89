import type { Command } from 'commander';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import { loadConfig } from '../runtime/config.js';
import type { GroupSummary } from '../cohort/compare-schemas.js';
import { analyseDemoCohort } from '../demo/demo-cohort.js';
import { demoCohortPlots } from '../demo/demo-cohort-plots.js';
import { DEMO_ALPHA, type DemoComparison } from '../demo/demo-cohort-table.js';
import { DEMO_RATERS } from '../demo/demo-raters.js';
import { demoValidation } from '../demo/demo-validation.js';
import { compareWithTruth, parseDemoTruth, type DemoCheck } from '../demo/demo-truth.js';
import type { AnalysisParamsInput } from '../domain/params.js';
import type { SlideOutcome } from '../pipeline/analyse-slide.js';
import { addAnalysisOptions, paramsFromOptions, type AnalysisCliOptions } from './analysis-options.js';
import { openRunContext } from './open-run-context.js';
import { readManifest, type ResolvedEntry } from './read-manifest.js';
import { runSlides } from './run-slides.js';
import { sig3 } from './comparison-table.js';
import type { RunContext } from './open-run-context.js';
import { scoreTable, markerLines } from './score-table.js';
import { validationTableText } from './validation-table.js';

const SHIPPED_MANIFEST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../slides/manifest.json');

export function registerDemo(program: Command): void {
  const cmd = program
    .command('demo')
    .description('analyse the shipped demo slides (embedded store) and compare with their ground truth')
    .option('--manifest <file>', 'manifest to run instead of the shipped one', SHIPPED_MANIFEST)
    .option('--no-cohort', 'skip the synthetic 15-patient demo cohort')
    .option('--cohort-dir <dir>', 'where the demo cohort is built or reused (default: <data dir>/demo-cohort)');
  addAnalysisOptions(cmd).action(async (o: AnalysisCliOptions & { manifest: string; cohort: boolean; cohortDir?: string }) => {
    const params = paramsFromOptions(o);
    const entries = await readManifest(o.manifest);
    const ctx = await openRunContext(o);
    try {
      const started = performance.now();
      const outcomes = await runSlides(
        entries.map((e) => ({ path: e.path, metadata: e.metadata })),
        { params, executor: ctx.executor, store: ctx.store },
      );
      const seconds = (performance.now() - started) / 1000;
      const labels = entries.map((e) => `${path.basename(e.path)}\n${[e.metadata.patient, e.metadata.timepoint, e.metadata.marker].filter(Boolean).join(' ')}`);
      process.stdout.write(`\nScores per slide (${entries.length} slides, ${seconds.toFixed(1)} s${ctx.store ? ', stored' : ''})\n`);
      const marker = markerLines(outcomes, labels);
      process.stdout.write(`${scoreTable(outcomes, labels)}\n${marker ? `${marker}\n` : ''}`);
      const truth = await truthTable(entries, outcomes);
      process.stdout.write(`\nAgainst the planted ground truth (truth / found; the bar each figure must meet under its name)\n${truth.table}\n`);
      if (truth.off.length > 0) {
        process.stdout.write(`${truth.off.length} figure(s) OFF the ground truth:\n${truth.off.map((l) => `  OFF ${l}`).join('\n')}\n`);
        process.exitCode = 1;
      }
      if (outcomes.some((x) => !x.ok)) process.exitCode = 1;
      if (o.cohort) await demoCohort(o, params, ctx);
    } finally {
      await ctx.close();
    }
  });
}

/**
 * The synthetic cohort (src/synthetic/cohort): built under the data directory on the first run
 * and reused after, analysed, its planted and null comparisons printed and the main effects drawn.
 */
async function demoCohort(o: AnalysisCliOptions & { cohortDir?: string }, params: AnalysisParamsInput, ctx: RunContext): Promise<void> {
  const dataDir = path.resolve(o.dataDir ?? loadConfig().DATA_DIR);
  const dir = path.resolve(o.cohortDir ?? path.join(dataDir, 'demo-cohort'));
  process.stdout.write(`\nDemo cohort: 15 patients, baseline and month-6 biopsies, CD163 / MHC-I / IL-1α / IL-1Ra sections (${dir})\n`);
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: ' {bar} {value}/{total} slides | {name}', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  bar?.start(120, 0, { name: '' });
  const run = await analyseDemoCohort({
    dir,
    filesRelativeTo: dataDir,
    params,
    executor: ctx.executor,
    store: ctx.store,
    onSlide: (done, total, slide) => {
      bar?.setTotal(total);
      bar?.update(done, { name: path.basename(slide.path) });
    },
  });
  bar?.stop();
  const failed = run.outcomes.filter((x) => !x.ok);
  const responders = run.imacs.filter((r) => r.responder === true).length;
  process.stdout.write(
    `${run.outcomes.length} slides (${run.rendered} rendered now, ${run.outcomes.length - run.rendered} reused), ${failed.length} failed, ${run.seconds.toFixed(1)} s${ctx.store ? ', stored' : ''}; ` +
      `IMACS responders baseline → month 6: ${responders} of ${run.imacs.length}\n`,
  );
  for (const f of failed) if (!f.ok) process.stdout.write(`  FAILED ${f.path}: ${f.error}\n`);
  process.stdout.write(`\nPlanted and null comparisons (found = p < ${DEMO_ALPHA} in the planted direction; q = Benjamini–Hochberg over this table)\n${cohortTable(run.table)}\n`);
  const plotDir = path.join(dir, 'plots');
  await mkdir(plotDir, { recursive: true });
  const plots = demoCohortPlots(run.scores, run.measures);
  for (const [name, svg] of Object.entries(plots)) await writeFile(path.join(plotDir, name), svg);
  process.stdout.write(`Plots: ${Object.keys(plots).map((n) => path.join(plotDir, n)).join(', ')}\n`);
  const validation = await demoValidation(run, ctx.store);
  process.stdout.write(
    `\nMethod comparison against two synthetic pathologists (issue 17; their reads: ${validation.readsFile}):\n` +
      `${DEMO_RATERS.map((r) => `  ${r.id}: ${r.description}`).join('\n')}\n`,
  );
  for (const { dir: out, bundle } of validation.bundles) process.stdout.write(`\n${validationTableText(bundle.report)}\n  report: ${path.join(out, 'report.html')}\n`);
  const missed = run.table.filter((c) => c.effect.planted !== c.found);
  if (failed.length > 0 || missed.length > 0) {
    for (const c of missed) process.stdout.write(`  ${c.effect.planted ? 'NOT RECOVERED' : 'SPURIOUS'}: ${c.effect.description}\n`);
    process.exitCode = 1;
  }
}

function groupCell(g: GroupSummary): string {
  const events = g.events === undefined ? '' : `${g.events}/${g.n} expressed, `;
  return `${g.label}: ${events}${sig3(g.median)} [${sig3(g.q1)}, ${sig3(g.q3)}]`;
}

function cohortTable(rows: readonly DemoComparison[]): string {
  const t = new Table({
    head: ['marker', 'score', 'comparison', 'n', 'median [IQR]', 'effect', 'p', 'q', 'planted', 'found'],
    style: { head: [], border: [] },
  });
  for (const { effect, row, found } of rows) {
    const effectName = row.test === 'fisher-exact' ? 'OR' : row.test === 'spearman' ? 'ρ' : 'r';
    t.push([row.marker, row.score, row.comparison, row.n, row.groups.map(groupCell).join('\n'), `${effectName} ${sig3(row.effectSize)}`, sig3(row.p), sig3(row.q), effect.planted ? 'yes' : 'no', found ? 'yes' : 'no']);
  }
  return t.toString();
}

/**
 * One row per slide with a truth file, one column per figure its truth gives (src/demo/demo-truth.ts),
 * "truth / found"; a figure off its bar is marked ✗ and listed under the table.
 */
async function truthTable(entries: ResolvedEntry[], outcomes: SlideOutcome[]): Promise<{ table: string; off: string[] }> {
  const rows: { slide: string; checks: Map<string, DemoCheck> }[] = [];
  const columns = new Map<string, string>();
  for (let i = 0; i < entries.length; i++) {
    const o = outcomes[i];
    const truthPath = entries[i].truthPath;
    if (!o.ok || !truthPath) continue;
    const c = compareWithTruth(o, parseDemoTruth(JSON.parse(await readFile(truthPath, 'utf8'))));
    for (const k of c.checks) if (!columns.has(k.measure)) columns.set(k.measure, k.bar);
    rows.push({ slide: path.basename(o.path), checks: new Map(c.checks.map((k) => [k.measure, k])) });
  }
  const t = new Table({ head: ['slide', ...[...columns].map(([m, bar]) => `${m}\n${bar}`)], style: { head: [], border: [] } });
  const off: string[] = [];
  for (const r of rows) {
    t.push([
      r.slide,
      ...[...columns.keys()].map((m) => {
        const k = r.checks.get(m);
        if (!k) return '–';
        const flat = (v: string): string => v.replace(/\n/g, ' ');
        if (k.ok === false) off.push(`${r.slide}: ${flat(m)} ${flat(k.found)}${k.truth ? ` (truth ${k.truth})` : ''}, bar ${k.bar}`);
        // a long pair goes on two lines to keep the table narrow
        const pair = !k.truth ? k.found : `${k.truth}${k.truth.length + k.found.split('\n')[0].length > 14 ? ' /\n' : ' / '}${k.found}`;
        return `${pair}${k.ok === false ? ' ✗' : ''}`;
      }),
    ]);
  }
  return { table: t.toString(), off };
}
