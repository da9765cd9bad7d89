import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addAnalysisOptions, paramsFromOptions, type AnalysisCliOptions } from '../../src/cli/analysis-options.js';
import { paramsForMarker } from '../../src/domain/marker.js';
import { MetadataError } from '../../src/errors/index.js';

describe('analyze --qc', () => {
  it('turns quality control on, with every cause or the listed ones; without the flag the default (on, folds left out)', () => {
    expect(paramsFromOptions({ store: true }).qc).toBeUndefined();
    expect(paramsForMarker('CD163', paramsFromOptions({ store: true })).qc).toMatchObject({ enabled: true, causes: ['focus', 'ice', 'pen', 'bubble'] });
    const all = paramsForMarker('CD163', paramsFromOptions({ store: true, qc: true }));
    expect(all.qc.enabled).toBe(true);
    expect(all.qc.causes).toEqual(['focus', 'fold', 'ice', 'pen', 'bubble']);
    const some = paramsForMarker('CD163', paramsFromOptions({ store: true, qc: 'pen, bubble' }));
    expect(some.qc).toMatchObject({ enabled: true, causes: ['pen', 'bubble'] });
  });

  it('parses --qc, --qc <causes> and --no-qc from the command line; no flag leaves the default', () => {
    const parse = (...args: string[]): AnalysisCliOptions => addAnalysisOptions(new Command()).parse(args, { from: 'user' }).opts<AnalysisCliOptions>();
    expect(paramsFromOptions(parse()).qc).toBeUndefined();
    expect(paramsFromOptions(parse('--qc')).qc).toEqual({ enabled: true, causes: ['focus', 'fold', 'ice', 'pen', 'bubble'] });
    expect(paramsFromOptions(parse('--qc', 'fold,ice')).qc).toEqual({ enabled: true, causes: ['fold', 'ice'] });
    expect(paramsFromOptions(parse('--no-qc')).qc).toEqual({ enabled: false });
    expect(paramsForMarker('MHC-I', paramsFromOptions(parse('--no-qc'))).qc.enabled).toBe(false);
  });

  it('refuses an unknown cause, naming the option', () => {
    expect(() => paramsFromOptions({ store: true, qc: 'pen,smudge' })).toThrow(MetadataError);
    expect(() => paramsFromOptions({ store: true, qc: 'pen,smudge' })).toThrow(/qc\.causes/);
  });
});
