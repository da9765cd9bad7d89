#!/usr/bin/env node
import { Command } from 'commander';
import { errorMessage } from '../errors/index.js';

type Register = (program: Command) => void;

/**
 * Each top-level command and the module that defines it. Only the named command's module is
 * loaded (it pulls in the pipeline, the store, tfjs or fastify as it needs): a `review status`
 * starts in a fraction of the time all of them take. No command, help or an unknown one loads all.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  analyze: async () => (await import('./analyze-command.js')).registerAnalyze,
  demo: async () => (await import('./demo-command.js')).registerDemo,
  synth: async () => (await import('./synth-command.js')).registerSynth,
  serve: async () => (await import('./serve-command.js')).registerServe,
  submit: async () => (await import('./submit-command.js')).registerSubmit,
  status: async () => (await import('./status-command.js')).registerStatus,
  scores: async () => (await import('./scores-command.js')).registerScores,
  token: async () => (await import('./token-command.js')).registerToken,
  worker: async () => (await import('./worker-command.js')).registerWorker,
  import: async () => (await import('./import-command.js')).registerImport,
  compare: async () => (await import('./compare-command.js')).registerCompare,
  export: async () => (await import('./export-command.js')).registerExport,
  probe: async () => (await import('./probe-command.js')).registerProbe,
  regions: async () => (await import('./regions-command.js')).registerRegions,
  // review-command.ts defines review, audit and corrections
  review: async () => (await import('./review-command.js')).registerReview,
  audit: async () => (await import('./review-command.js')).registerReview,
  corrections: async () => (await import('./review-command.js')).registerCorrections,
  manual: async () => (await import('./manual-command.js')).registerManual,
  validate: async () => (await import('./validate-command.js')).registerValidate,
  train: async () => (await import('./train-command.js')).registerTrain,
};

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('biopsy-quant')
    .description('Quantify immunohistochemistry on muscle biopsies: slide in, trustworthy scores out.')
    .showHelpAfterError();
  const named = COMMANDS[argv[2] ?? ''];
  const registers = named ? [await named()] : await Promise.all(Object.values(COMMANDS).map((load) => load()));
  for (const register of new Set(registers)) register(program);
  await program.parseAsync(argv);
}

main(process.argv).catch((err: unknown) => {
  process.stderr.write(`biopsy-quant: ${errorMessage(err)}\n`);
  process.exit(2);
});
