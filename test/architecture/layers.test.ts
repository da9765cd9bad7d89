import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importEdges, layerOf, upwardImports } from './layers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('layers: imports only go down', () => {
  const edges = importEdges(ROOT);

  it('reads the imports of the whole tree', () => {
    // a parser that found nothing would pass the rule below vacuously
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.some((e) => e.fromLayer === 'src/pipeline' && e.toLayer === 'src/detect')).toBe(true);
  });

  it('no folder imports a folder above it', () => {
    const up = upwardImports(edges).map((e) => `${e.from} → ${e.to} (${e.fromLayer} imports ${e.toLayer})`);
    expect(up).toEqual([]);
  });

  it('every source folder is in the layer table', () => {
    const unlisted = [...new Set(edges.filter((e) => e.toLayer === '(none)' || e.fromLayer === '(none)').map((e) => e.to))];
    expect(unlisted).toEqual([]);
  });

  it('the service (API, workers) never imports the generator, evaluation, training or the demo', () => {
    const offline = ['src/synthetic', 'src/eval', 'src/train', 'src/demo'];
    const served = ['src/api', 'src/service', 'workers'];
    const bad = edges.filter((e) => served.includes(e.fromLayer) && offline.includes(e.toLayer)).map((e) => `${e.from} → ${e.to}`);
    expect(bad).toEqual([]);
  });

  it('catches an upward import', () => {
    expect(upwardImports([{ from: 'src/detect/a.ts', to: 'src/score/b.ts', fromLayer: layerOf('src/detect/a.ts')!, toLayer: layerOf('src/score/b.ts')! }])).toHaveLength(1);
    expect(upwardImports([{ from: 'src/score/b.ts', to: 'src/detect/a.ts', fromLayer: 'src/score', toLayer: 'src/detect' }])).toHaveLength(0);
  });
});
