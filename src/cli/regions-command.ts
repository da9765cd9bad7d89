import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { regionsFromQupathGeoJson, regionsToQupathGeoJson } from '../cohort/regions-geojson.js';
import { MetadataError } from '../errors/index.js';
import { finishedAnalysis, regionVersion, saveRegionsRescored } from '../pipeline/rescore-analysis.js';
import { withCohortStore, type StoreCliOptions } from './cohort-store.js';

/** The author the command line saves regions as (batches record the same for CLI submissions). */
export const CLI_AUTHOR = 'cli';

export function analysisId(arg: string): number {
  const id = Number(arg);
  if (!Number.isInteger(id) || id < 1) throw new MetadataError(`<analysis> must be an analysis id (a whole number ≥ 1), got "${arg}"`);
  return id;
}

/**
 * `regions import|export <analysis> <file.geojson>` (issue 12): the pathologist's regions and
 * exclusions as QuPath GeoJSON (src/cohort/regions-geojson.ts has the class mapping). Import saves
 * the next version and prints the scores inside; export writes the latest (or --version) version.
 */
export function registerRegions(program: Command): void {
  const regions = program.command('regions').description("an analysis' review regions and exclusions as QuPath GeoJSON (Region* → analyse inside, Ignore* → leave out)");
  regions
    .command('import <analysis> <file>')
    .description('save the GeoJSON file\'s Region*/Ignore* annotations as the analysis\' next region version and print its scores inside them (JSON)')
    .option('--data-dir <dir>', 'where the embedded store lives (default: DATA_DIR or ./data; DATABASE_URL wins)')
    .action(async (arg: string, file: string, o: StoreCliOptions) => {
      const id = analysisId(arg);
      const imported = regionsFromQupathGeoJson(await readFile(file, 'utf8').catch((e: Error) => Promise.reject(new MetadataError(`${file}: cannot read (${e.message})`))), file);
      const out = await withCohortStore(o, async (store) => {
        const saved = await saveRegionsRescored(store, id, { regions: imported.regions, author: CLI_AUTHOR });
        return { analysisId: id, version: saved.regions.version, regions: imported.regions.length, skipped: imported.skipped, scores: saved.scores, markerScores: saved.markerScores };
      });
      for (const s of imported.skipped) process.stderr.write(`${file}: feature ${s.feature} not imported: ${s.reason}\n`);
      process.stderr.write(`analysis ${id}: region version ${out.version} saved (${out.regions} regions and exclusions)\n`);
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    });
  regions
    .command('export <analysis> <file>')
    .description("write the analysis' regions (latest version, or --version) as QuPath GeoJSON annotations")
    .option('--version <n>', 'a saved version (default: the latest)')
    .option('--data-dir <dir>', 'where the embedded store lives (default: DATA_DIR or ./data; DATABASE_URL wins)')
    .action(async (arg: string, file: string, o: StoreCliOptions & { version?: string }) => {
      const id = analysisId(arg);
      const version = o.version === undefined ? undefined : analysisId(o.version);
      const { text, set } = await withCohortStore(o, async (store) => {
        const row = await finishedAnalysis(store, id);
        const found = await regionVersion(store, id, version);
        return { text: JSON.stringify(regionsToQupathGeoJson(found?.regions ?? [], row.sha256), null, 1), set: found };
      });
      await writeFile(file, text);
      process.stderr.write(`wrote ${set?.regions.length ?? 0} regions and exclusions of analysis ${id} (version ${set?.version ?? 0}) to ${file}\n`);
    });
}
