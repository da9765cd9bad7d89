import { describe, expect, it } from 'vitest';
import { paramsFromOptions } from '../../src/cli/analysis-options.js';
import { paramsForMarker } from '../../src/domain/marker.js';
import { MetadataError } from '../../src/errors/index.js';

describe('analyze --qc', () => {
  it('turns quality control on, with every cause or the listed ones, and leaves it off without the flag', () => {
    expect(paramsFromOptions({ store: true }).qc).toBeUndefined();
    expect(paramsForMarker('CD163', paramsFromOptions({ store: true })).qc.enabled).toBe(false);
    const all = paramsForMarker('CD163', paramsFromOptions({ store: true, qc: true }));
    expect(all.qc.enabled).toBe(true);
    expect(all.qc.causes).toEqual(['focus', 'fold', 'ice', 'pen', 'bubble']);
    const some = paramsForMarker('CD163', paramsFromOptions({ store: true, qc: 'pen, bubble' }));
    expect(some.qc).toMatchObject({ enabled: true, causes: ['pen', 'bubble'] });
  });

  it('refuses an unknown cause, naming the option', () => {
    expect(() => paramsFromOptions({ store: true, qc: 'pen,smudge' })).toThrow(MetadataError);
    expect(() => paramsFromOptions({ store: true, qc: 'pen,smudge' })).toThrow(/qc\.causes/);
  });
});
