import { afterEach, describe, expect, it } from 'vitest';
import { resolveParams } from '../../src/domain/params.js';
import { analyseTile } from '../../src/pipeline/analyse-tile.js';
import { StageClock, stageClock } from '../../src/runtime/stage-clock.js';
import { HDAB_DEFAULT } from '../../src/stain/vectors.js';
import { makeScene, renderRegion } from '../../src/synthetic/index.js';

describe('StageClock', () => {
  afterEach(() => {
    stageClock.enabled = false;
    stageClock.reset();
  });

  it('charges each lap the time since the previous one, and records nothing while off', () => {
    const clock = new StageClock();
    clock.start();
    clock.lap('a');
    expect(clock.ms.size).toBe(0);
    clock.enabled = true;
    clock.start();
    const until = performance.now() + 20;
    while (performance.now() < until);
    clock.lap('busy');
    clock.lap('idle');
    expect(clock.ms.get('busy')).toBeGreaterThanOrEqual(19);
    expect(clock.ms.get('idle')).toBeLessThan(clock.ms.get('busy')!);
  });

  it('times every stage of the tile processor, which returns the same result with the clock on', () => {
    const scene = makeScene({ seed: 3, width: 256, height: 256 });
    const rgb = renderRegion(scene, 0, 0, 256, 256);
    const tile = { id: 0, read: { x0: 0, y0: 0, x1: 256, y1: 256 }, core: { x0: 0, y0: 0, x1: 256, y1: 256 } };
    const ctx = { mpp: scene.mpp, stain: HDAB_DEFAULT, i0: 240, params: resolveParams({ qc: { enabled: false } }) };
    const off = analyseTile(rgb, tile, ctx);
    stageClock.enabled = true;
    stageClock.start();
    const on = analyseTile(rgb, tile, ctx);
    expect(on).toEqual(off);
    expect([...stageClock.ms.keys()]).toEqual(['deconvolution', 'nuclei: smoothing', 'nuclei: background', 'nuclei: threshold and edges', 'nuclei: regions and split', 'cells: expansion', 'cells: measures', 'pixel statistics']);
    expect(off.detections.length).toBeGreaterThan(10);
  });
});
