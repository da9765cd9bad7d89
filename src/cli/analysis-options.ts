import { Option, type Command } from 'commander';
import { MetadataError } from '../errors/index.js';
import { AnalysisParams, type AnalysisParamsInput } from '../domain/params.js';
import { QC_CAUSE_IDS, type QcCauseId } from '../domain/qc.js';

export interface AnalysisCliOptions {
  targetMpp?: string;
  tileSize?: string;
  stain?: 'default' | 'macenko';
  compartment?: 'nucleus' | 'cytoplasm' | 'cell';
  detector?: 'classical' | 'model';
  modelVersion?: string;
  /** true = every QC cause, a comma-separated list of causes, or false (--no-qc) = QC off */
  qc?: boolean | string;
  threads?: string;
  store: boolean;
  dataDir?: string;
  json?: boolean;
}

export function addAnalysisOptions(cmd: Command): Command {
  return cmd
    .option('--target-mpp <µm/px>', 'analyse at the level closest to this pixel size (default 0.5)')
    .option('--tile-size <px>', 'tile core size in analysis pixels (default 1024; 2048 for muscle analysis)')
    .addOption(new Option('--stain <mode>', 'stain vectors: H-DAB defaults or per-slide Macenko').choices(['default', 'macenko']))
    .addOption(new Option('--compartment <c>', 'compartment whose DAB grades a cell').choices(['nucleus', 'cytoplasm', 'cell']))
    .addOption(new Option('--detector <d>', 'nucleus detector: classical watershed or the learned U-Net (models/nuclei-unet)').choices(['classical', 'model']))
    .option('--model-version <hash>', 'with --detector model: a version under models/nuclei-unet/versions/ (train --from-corrections writes them); default the shipped model')
    .option('--qc [causes]', `automatic quality control: exclude flagged areas from every score (all causes, or a comma-separated list of ${QC_CAUSE_IDS.join(', ')})`)
    .option('--no-qc', 'no automatic quality control: score every tissue pixel')
    .option('--threads <n>', 'worker threads (default: WORKER_CONCURRENCY or all cores)')
    .option('--data-dir <dir>', 'where the embedded store lives (default: DATA_DIR or ./data)')
    .option('--no-store', 'do not store results')
    .option('--json', 'print results as JSON instead of a table');
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new MetadataError(`--${name} must be a number, got "${v}"`);
  return n;
}

function qcOption(qc: AnalysisCliOptions['qc']): AnalysisParamsInput['qc'] {
  if (qc === undefined) return undefined;
  if (qc === false) return { enabled: false };
  // bare --qc asks for every cause, folds included (the default leaves folds out)
  return { enabled: true, causes: typeof qc === 'string' ? (qc.split(',').map((c) => c.trim()) as QcCauseId[]) : [...QC_CAUSE_IDS] };
}

/**
 * The user's overrides from the flags, checked but not resolved: each slide's parameters are
 * resolved later with its marker (paramsForMarker), so a flag left out keeps the marker's setting.
 */
export function paramsFromOptions(o: AnalysisCliOptions): AnalysisParamsInput {
  const input: AnalysisParamsInput = {
    targetMpp: num('target-mpp', o.targetMpp),
    tileSize: num('tile-size', o.tileSize),
    stain: o.stain ? { mode: o.stain } : undefined,
    compartment: o.compartment,
    detector: o.detector,
    modelVersion: o.modelVersion,
    qc: qcOption(o.qc),
  };
  const given = JSON.parse(JSON.stringify(input)) as AnalysisParamsInput;
  const parsed = AnalysisParams.safeParse(given);
  if (!parsed.success) {
    throw new MetadataError(`bad analysis options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return given;
}
