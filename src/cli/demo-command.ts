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
import type { AnalysisParamsInput } from '../domain/params.js';
import { evaluateSlide } from '../eval/evaluate-slide.js';
import type { SlideOutcome } from '../pipeline/analyse-slide.js';
import { GroundTruth } from '../synthetic/truth.js';
import { addAnalysisOptions, paramsFromOptions, type AnalysisCliOptions } from './analysis-options.js';
import { openRunContext } from './open-run-context.js';
import { readManifest, type ResolvedEntry } from './read-manifest.js';
import { runSlides } from './run-slides.js';
import { sig3 } from './comparison-table.js';
import type { RunContext } from './open-run-context.js';
import { scoreTable, markerLines } from './score-table.js';

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
      process.stdout.write(`\nAgainst the planted ground truth\n${await truthTable(entries, outcomes)}\n`);
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

async function truthTable(entries: ResolvedEntry[], outcomes: SlideOutcome[]): Promise<string> {
  const t = new Table({
    head: ['slide', 'cells true/found', 'F1', 'pos/neg acc', 'grade acc', 'H-score true/found', '% area true/found', 'density true/found'],
    style: { head: [], border: [] },
  });
  for (let i = 0; i < entries.length; i++) {
    const o = outcomes[i];
    const truthPath = entries[i].truthPath;
    if (!o.ok || !truthPath) continue;
    const truth = GroundTruth.parse(JSON.parse(await readFile(truthPath, 'utf8')));
    const e = evaluateSlide(truth, o.detections, o.scores);
    t.push([
      path.basename(o.path),
      `${e.truthCells}/${e.detected}`,
      e.f1.toFixed(3),
      e.posNegAccuracy.toFixed(3),
      e.gradeAccuracy.toFixed(3),
      `${e.hScore.truth.toFixed(1)}/${e.hScore.found.toFixed(1)}`,
      `${e.pctPositiveArea.truth.toFixed(2)}/${e.pctPositiveArea.found.toFixed(2)}`,
      `${e.density.truth.toFixed(0)}/${e.density.found.toFixed(0)}`,
    ]);
  }
  return t.toString();
}
