import type { Command } from 'commander';
import Table from 'cli-table3';
import { AnalysisParams } from '../domain/params.js';
import { MetadataError } from '../errors/index.js';
import { probeSlide, type SlideProbe } from '../slide/probe.js';

function positiveNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 100) throw new MetadataError(`--${flag} must be a number of µm/px greater than 0 and at most 100, got "${text}"`);
  return n;
}

export function probeText(p: SlideProbe): string {
  const lines = [
    `${p.path}`,
    `  format: ${p.format} (read by ${p.backend})`,
    `  vendor: ${p.vendor ?? 'not stated'}`,
    `  objective: ${p.objectivePower === null ? 'not stated' : `${p.objectivePower}×`}`,
    `  pixel size: ${p.mppSource === null ? 'not stated (supply --mpp)' : `${p.levels[0].mpp} µm/px (from the ${p.mppSource === 'file' ? 'file' : 'metadata'})`}`,
    `  associated images: ${p.associatedImages.length ? `${p.associatedImages.join(', ')} (names only; never read)` : 'none'}`,
  ];
  const table = new Table({ head: ['level', 'width', 'height', 'µm/px', 'downsample'], style: { head: [], border: [] } });
  for (const l of p.levels) table.push([l.index, l.width, l.height, l.mpp === null ? '?' : Number(l.mpp.toPrecision(6)), Number(l.downsample.toPrecision(6))]);
  lines.push(table.toString());
  const a = p.analysis;
  lines.push(
    a.canRun
      ? `  analysis: can run, at level ${a.level} (${Number(a.mpp.toPrecision(6))} µm/px for a ${a.targetMpp} µm/px target)${a.note ? `; note: ${a.note}` : ''}`
      : `  analysis: cannot run: ${a.reason}`,
  );
  return `${lines.join('\n')}\n`;
}

export function registerProbe(program: Command): void {
  program
    .command('probe')
    .description("a slide's format, reader, levels (size, µm/px, downsample), objective, vendor, associated image names, and whether and at which level it can be analysed")
    .argument('<slide>', 'slide file, or an MRXS/DICOM folder')
    .option('--mpp <um>', 'µm/px of level 0, for files that state none')
    .option('--target-mpp <um>', 'analysis resolution to choose the level for (default as analyze)')
    .option('--json', 'print the probe as JSON')
    .action(async (slide: string, o: { mpp?: string; targetMpp?: string; json?: boolean }) => {
      const targetMpp = positiveNumber('target-mpp', o.targetMpp) ?? AnalysisParams.parse({}).targetMpp;
      const p = await probeSlide(slide, { mpp: positiveNumber('mpp', o.mpp), targetMpp });
      process.stdout.write(o.json ? `${JSON.stringify(p, null, 2)}\n` : probeText(p));
    });
}
