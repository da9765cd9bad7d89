import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { evaluateSlide } from '../eval/evaluate-slide.js';
import type { SlideOutcome } from '../pipeline/analyse-slide.js';
import { GroundTruth } from '../synthetic/truth.js';
import { addAnalysisOptions, paramsFromOptions, type AnalysisCliOptions } from './analysis-options.js';
import { openRunContext } from './open-run-context.js';
import { readManifest, type ResolvedEntry } from './read-manifest.js';
import { runSlides } from './run-slides.js';
import { scoreTable, markerLines } from './score-table.js';

const SHIPPED_MANIFEST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../slides/manifest.json');

export function registerDemo(program: Command): void {
  const cmd = program
    .command('demo')
    .description('analyse the shipped demo slides (embedded store) and compare with their ground truth')
    .option('--manifest <file>', 'manifest to run instead of the shipped one', SHIPPED_MANIFEST);
  addAnalysisOptions(cmd).action(async (o: AnalysisCliOptions & { manifest: string }) => {
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
    } finally {
      await ctx.close();
    }
  });
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
