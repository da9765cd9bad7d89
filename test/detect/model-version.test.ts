import { describe, expect, it } from 'vitest';
import { AnalysisParams, resolveParams } from '../../src/domain/params.js';
import { MODEL_ID_CLASSICAL } from '../../src/domain/version.js';
import { modelDirFor, modelIdFor, NUCLEUS_MODEL_DIR, NUCLEUS_MODEL_VERSIONS_DIR } from '../../src/detect/model-id.js';
import { join } from 'node:path';

// versions of the learned detector live beside the shipped model (issue 15): the parameters pick
// one, and the id stored with the scores names the version that ran
describe('model versions', () => {
  it('reads the shipped model without a version, and a stored version by its weights hash', () => {
    expect(modelDirFor(resolveParams({ detector: 'model' }))).toBe(NUCLEUS_MODEL_DIR);
    expect(modelDirFor(resolveParams({ detector: 'model', modelVersion: 'ef92705220c3' }))).toBe(join(NUCLEUS_MODEL_VERSIONS_DIR, 'ef92705220c3'));
    expect(modelIdFor(resolveParams({ detector: 'model', modelVersion: 'ef92705220c3' }))).toBe('nuclei-unet@ef92705220c3');
    expect(modelIdFor(resolveParams({ detector: 'model' }))).toMatch(/^nuclei-unet@[0-9a-f]{12}$/);
    expect(modelIdFor(resolveParams({ detector: 'model' }))).not.toBe('nuclei-unet@ef92705220c3');
    expect(modelIdFor(resolveParams({ detector: 'classical', modelVersion: 'ef92705220c3' }))).toBe(MODEL_ID_CLASSICAL);
  });

  it('refuses a version that is not a 12-hex hash (no path can be named through it)', () => {
    expect(AnalysisParams.safeParse({ modelVersion: '../../etc' }).success).toBe(false);
    expect(AnalysisParams.safeParse({ modelVersion: 'EF92705220C3' }).success).toBe(false);
    expect(AnalysisParams.safeParse({ modelVersion: 'ef92705220c3' }).success).toBe(true);
  });
});
