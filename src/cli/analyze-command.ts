import type { Command } from 'commander';
import { MetadataError } from '../errors/index.js';
import { SlideMetadata } from '../domain/slide.js';
import { addAnalysisOptions, paramsFromOptions, type AnalysisCliOptions } from './analysis-options.js';
import { openRunContext } from './open-run-context.js';
import { readManifestEntries } from './read-manifest.js';
import { runSlides, type SlideRequest } from './run-slides.js';
import { markerLines, scoreTable } from './score-table.js';
import { outcomesJson } from './outcomes-json.js';

interface AnalyzeOptions extends AnalysisCliOptions {
  mpp?: string;
  patient?: string;
  timepoint?: string;
  marker?: string;
}

export function registerAnalyze(program: Command): void {
  const cmd = program
    .command('analyze')
    .description('analyse slides (PNG, JPEG, TIFF, BigTIFF, pyramidal TIFF, SVS, OME-TIFF, NDPI, MRXS, SCN, BIF, Philips TIFF, DICOM WSI series folders) or manifest.json batches; exits 1 if any slide failed')
    .argument('<files...>', 'slide files, DICOM series folders (one folder = one slide) and/or manifest.json files')
    .option('--mpp <µm/px>', 'pixel size for slides whose file does not state one')
    .option('--patient <id>', 'pseudonymised patient id')
    .option('--timepoint <t>', 'biopsy timepoint, e.g. baseline or month-6')
    .option('--marker <m>', 'stain/marker, e.g. CD163');
  addAnalysisOptions(cmd).action(async (files: string[], o: AnalyzeOptions) => {
    const params = paramsFromOptions(o);
    const requests = await collectRequests(files, o);
    const ctx = await openRunContext(o);
    try {
      const outcomes = await runSlides(requests, { params, executor: ctx.executor, store: ctx.store });
      if (o.json) process.stdout.write(`${JSON.stringify(outcomesJson(outcomes), null, 2)}\n`);
      else {
        const marker = markerLines(outcomes);
        process.stdout.write(`${scoreTable(outcomes)}\n${marker ? `${marker}\n` : ''}`);
      }
      if (outcomes.some((x) => !x.ok)) process.exitCode = 1;
    } finally {
      await ctx.close();
    }
  });
}

async function collectRequests(files: string[], o: AnalyzeOptions): Promise<SlideRequest[]> {
  const flagMeta = SlideMetadata.safeParse({
    patient: o.patient,
    timepoint: o.timepoint,
    marker: o.marker,
    mpp: o.mpp === undefined ? undefined : Number(o.mpp),
  });
  if (!flagMeta.success) {
    throw new MetadataError(`bad slide metadata: ${flagMeta.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const out: SlideRequest[] = [];
  for (const f of files) {
    if (f.toLowerCase().endsWith('.json')) {
      for (const e of await readManifestEntries(f)) out.push('error' in e ? { path: e.path, metadata: flagMeta.data, refused: e.error } : { path: e.path, metadata: { ...flagMeta.data, ...e.metadata } });
    } else {
      out.push({ path: f, metadata: flagMeta.data });
    }
  }
  return out;
}
