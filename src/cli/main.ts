#!/usr/bin/env node
import { Command } from 'commander';
import { errorMessage } from '../errors/index.js';
import { registerAnalyze } from './analyze-command.js';
import { registerCompare } from './compare-command.js';
import { registerDemo } from './demo-command.js';
import { registerExport } from './export-command.js';
import { registerImport } from './import-command.js';
import { registerProbe } from './probe-command.js';
import { registerRegions } from './regions-command.js';
import { registerCorrections, registerReview } from './review-command.js';
import { registerScores } from './scores-command.js';
import { registerServe } from './serve-command.js';
import { registerStatus } from './status-command.js';
import { registerSubmit } from './submit-command.js';
import { registerSynth } from './synth-command.js';
import { registerToken } from './token-command.js';
import { registerWorker } from './worker-command.js';

const program = new Command()
  .name('biopsy-quant')
  .description('Quantify immunohistochemistry on muscle biopsies: slide in, trustworthy scores out.')
  .showHelpAfterError();

registerAnalyze(program);
registerDemo(program);
registerSynth(program);
registerServe(program);
registerSubmit(program);
registerStatus(program);
registerScores(program);
registerToken(program);
registerWorker(program);
registerImport(program);
registerCompare(program);
registerExport(program);
registerProbe(program);
registerRegions(program);
registerReview(program);
registerCorrections(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`biopsy-quant: ${errorMessage(err)}\n`);
  process.exit(2);
});
