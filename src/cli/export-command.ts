import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { writeQupathGeoJson } from '../cohort/export-geojson.js';
import { scoresToCsv, scoresToJson } from '../cohort/export-scores.js';
import { analysisGeoJsonSource, researchExportRows } from '../cohort/research-exports.js';
import { researchRows } from '../cohort/research-rows.js';
import { MetadataError } from '../errors/index.js';
import { withCohortStore, type StoreCliOptions } from './cohort-store.js';

interface ExportOptions extends StoreCliOptions {
  format: string;
  out?: string;
  analysis?: string;
  signedOff?: boolean;
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description("export the cohort's scores (csv, json; with IMACS responder status) or one analysis' detections and fibres as QuPath GeoJSON")
    .requiredOption('--format <f>', 'csv, json or geojson')
    .option('--analysis <id>', 'geojson: the analysis to export')
    .option('--out <file>', 'write here instead of standard output')
    .option('--signed-off', 'csv, json: only analyses whose review is signed off, with their scores as signed')
    .option('--data-dir <dir>', 'where the embedded store lives (default: DATA_DIR or ./data; DATABASE_URL wins)')
    .action(async (o: ExportOptions) => {
      if (!['csv', 'json', 'geojson'].includes(o.format)) throw new MetadataError(`--format must be csv, json or geojson (got "${o.format}")`);
      if (o.format === 'geojson') {
        const id = Number(o.analysis);
        if (o.analysis === undefined || !Number.isInteger(id) || id < 1) throw new MetadataError(`--analysis must be an analysis id (a whole number ≥ 1) for --format geojson, got "${o.analysis ?? ''}"`);
        const { cells, fibres } = await withCohortStore(o, async (store) => {
          const src = await analysisGeoJsonSource(store, id);
          const out = o.out ? createWriteStream(o.out) : process.stdout;
          await writeQupathGeoJson(out, src.cells, src.options, src.fibres, { end: o.out !== undefined });
          return src;
        });
        if (o.out) process.stderr.write(`wrote ${cells.length} cells and ${fibres.length} fibres of analysis ${id} to ${o.out}\n`);
        return;
      }
      if (o.analysis !== undefined) throw new MetadataError('--analysis goes with --format geojson only');
      const rows = await withCohortStore(o, async (store) => researchExportRows(await researchRows(store, { signedOff: o.signedOff })));
      const text = o.format === 'csv' ? scoresToCsv(rows) : scoresToJson(rows);
      if (o.out) {
        await writeFile(o.out, text);
        process.stderr.write(`wrote ${rows.length} score rows to ${o.out}\n`);
      } else {
        process.stdout.write(text);
      }
    });
}
