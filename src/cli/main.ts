#!/usr/bin/env node
import { Command } from 'commander';
import { errorMessage } from '../domain/errors.js';
import { registerAnalyze } from './analyze-command.js';
import { registerDemo } from './demo-command.js';
import { registerSynth } from './synth-command.js';

const program = new Command()
  .name('biopsy-quant')
  .description('Quantify immunohistochemistry on muscle biopsies: slide in, trustworthy scores out.')
  .showHelpAfterError();

registerAnalyze(program);
registerDemo(program);
registerSynth(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`biopsy-quant: ${errorMessage(err)}\n`);
  process.exit(2);
});
