import type { Command } from 'commander';
import { NUCLEUS_MODEL_DIR, NUCLEUS_MODEL_VERSIONS_DIR } from '../detect/model-id.js';
import { MetadataError } from '../errors/index.js';
import { formatCorrectedF1, trainFromCorrections } from '../train/from-corrections.js';
import { withCohortStore, type StoreCliOptions } from './cohort-store.js';
import { join } from 'node:path';

interface TrainOptions extends StoreCliOptions {
  fromCorrections?: boolean;
  since?: string;
  holdout?: string;
  steps?: string;
  baseVersion?: string;
}

/**
 * `train --from-corrections`: the learned nucleus detector fine-tuned on the cells pathologists
 * added and deleted in review, written as a new version beside the model (src/train/from-corrections.ts).
 * Training on synthetic scenes is `npm run train` (bench/train-model.ts).
 */
export function registerTrain(program: Command): void {
  program
    .command('train')
    .description('fine-tune the learned nucleus detector on review corrections (cells added and deleted), writing a new model version beside the old')
    .option('--from-corrections', 'learn from the corrections stored in review (the only source this command has)')
    .option('--since <date>', 'only corrections made at or after this date (ISO 8601)')
    .option('--holdout <ids>', 'comma-separated analysis ids held out for the before/after F1 (default: every 4th corrected analysis; of 2–3 the last)')
    .option('--steps <n>', 'training steps (default 200; ~0.7 s each on 2 cores)')
    .option('--base-version <hash>', 'start from this version under models/nuclei-unet/versions/ (default: the shipped model)')
    .option('--data-dir <dir>', 'where the embedded store lives (default: DATA_DIR or ./data)')
    .action(async (o: TrainOptions) => {
      if (!o.fromCorrections) throw new MetadataError('train: only --from-corrections is supported here; the synthetic training is `npm run train`');
      const since = o.since === undefined ? undefined : new Date(o.since);
      if (since && Number.isNaN(since.getTime())) throw new MetadataError(`train: --since must be a date, got "${o.since}"`);
      const holdout = o.holdout?.split(',').map((s) => Number(s.trim()));
      if (holdout?.some((n) => !Number.isInteger(n) || n <= 0)) throw new MetadataError(`train: --holdout must list analysis ids, got "${o.holdout}"`);
      const steps = o.steps === undefined ? undefined : Number(o.steps);
      if (steps !== undefined && !(Number.isInteger(steps) && steps > 0)) throw new MetadataError(`train: --steps must be a positive integer, got "${o.steps}"`);
      if (o.baseVersion !== undefined && !/^[0-9a-f]{12}$/.test(o.baseVersion)) throw new MetadataError(`train: --base-version is a 12-hex weights hash, got "${o.baseVersion}"`);
      const baseDir = o.baseVersion ? join(NUCLEUS_MODEL_VERSIONS_DIR, o.baseVersion) : NUCLEUS_MODEL_DIR;
      const r = await withCohortStore(o, (store) =>
        trainFromCorrections({ store, baseDir, versionsDir: NUCLEUS_MODEL_VERSIONS_DIR, since, holdout, steps, log: (l) => process.stderr.write(`${l}\n`) }),
      );
      process.stdout.write(
        [
          `wrote ${r.id} to ${r.dir} (from ${r.baseId}; ${r.steps} steps, ${r.seconds.toFixed(0)} s; the shipped model is unchanged)`,
          `held-out corrected analyses ${r.heldOutAnalyses.join(', ') || '(none)'}:`,
          `  before: ${formatCorrectedF1(r.before)}`,
          `  after:  ${formatCorrectedF1(r.after)}`,
          `analyse with it: --detector model --model-version ${r.id.split('@')[1]}`,
          '',
        ].join('\n'),
      );
    });
}
