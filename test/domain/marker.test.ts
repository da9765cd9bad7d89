import { describe, expect, it } from 'vitest';
import { MetadataError } from '../../src/errors/index.js';
import { MARKERS, knownMarkers, markerFor, markerKey, MarkerSpec, runsScorer } from '../../src/domain/marker.js';
import { Il1Thresholds } from '../../src/score/il1.js';

describe('marker registry', () => {
  it('holds the nine markers of the study, each valid against its schema', () => {
    expect(knownMarkers()).toEqual(['CD163', 'CD3', 'CD4', 'CD8', 'CD45', 'CD68', 'IL-1a', 'IL-1b', 'IL-1Ra', 'MHC-I']);
    for (const m of MARKERS) expect(MarkerSpec.parse(m)).toEqual(m);
  });

  it('resolves names and aliases case-, space-, hyphen- and greek-insensitively', () => {
    const cases: [string, string][] = [
      ['CD163', 'CD163'],
      ['cd163', 'CD163'],
      [' CD-163 ', 'CD163'],
      ['cd3', 'CD3'],
      ['CD8', 'CD8'],
      ['kp1', 'CD68'],
      ['IL-1Ra', 'IL-1Ra'],
      ['IL1RA', 'IL-1Ra'],
      ['il-1 ra', 'IL-1Ra'],
      ['IL-1 receptor antagonist', 'IL-1Ra'],
      ['Interleukin 1 Receptor Antagonist', 'IL-1Ra'],
      ['IL-1α', 'IL-1a'],
      ['il1a', 'IL-1a'],
      ['IL-1 alpha', 'IL-1a'],
      ['IL-1β', 'IL-1b'],
      ['IL1B', 'IL-1b'],
      ['MHC class I', 'MHC-I'],
      ['mhc-1', 'MHC-I'],
      ['HLA-ABC', 'MHC-I'],
    ];
    for (const [name, id] of cases) expect(markerFor(name).id, name).toBe(id);
  });

  it('keeps IL-1α, IL-1β and IL-1Ra apart (no spelling collides)', () => {
    expect(markerKey('IL-1α')).not.toBe(markerKey('IL-1β'));
    expect(markerFor('IL1A').id).not.toBe(markerFor('IL1RA').id);
    const seen = new Map<string, string>();
    for (const m of MARKERS) {
      for (const s of [m.id, m.name, ...m.aliases]) {
        const prev = seen.get(markerKey(s));
        if (prev) expect(prev, s).toBe(m.id);
        seen.set(markerKey(s), m.id);
      }
    }
  });

  it('rejects an unknown marker with a MetadataError naming it and listing the known ones', () => {
    let err: unknown;
    try {
      markerFor('CD20');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MetadataError);
    const msg = (err as Error).message;
    expect(msg).toContain("'CD20'");
    for (const id of knownMarkers()) expect(msg).toContain(id);
    expect(() => markerFor('')).toThrow(MetadataError);
    expect(() => markerFor('IL-1')).toThrow(MetadataError);
  });

  it('decides which scorers run', () => {
    expect(markerFor('CD163').scorers).toEqual(['cells', 'cd163', 'infiltrates']);
    expect(runsScorer(markerFor('CD3'), 'infiltrates')).toBe(true);
    expect(runsScorer(markerFor('CD3'), 'cd163')).toBe(false);
    expect(markerFor('IL-1Ra').scorers).toEqual(['cells', 'il1']);
    expect(markerFor('MHC-I').scorers).toEqual(['cells', 'mhc1']);
    expect(markerFor('MHC-I').compartment).toBe('fibre');
    expect(markerFor('CD8').compartment).toBe('membrane');
    for (const m of MARKERS) expect(m.scorers[0]).toBe('cells');
  });

  it('states a source for every threshold, and own choices say so', () => {
    for (const m of MARKERS) {
      for (const t of m.thresholds) {
        expect(t.source.length, `${m.id} ${t.name}`).toBeGreaterThan(10);
        if (!t.ownChoice) expect(t.source, `${m.id} ${t.name}`).toMatch(/SCIENCE\.md|et al\./);
      }
    }
  });

  it('states the same IL-1 thresholds the IL-1 scorer applies by default', () => {
    const defaults = Il1Thresholds.parse({});
    const t = markerFor('IL-1Ra').thresholds;
    expect(t.find((x) => x.unit === '%')?.value).toBe(defaults.minPctPositiveArea);
    expect(t.find((x) => x.unit === 'cells/mm²')?.value).toBe(defaults.minPositiveCellsPerMm2);
  });
});

describe('MHC-I thresholds in the registry', () => {
  it('never ask more of the diluted ring than of the interior, nor more than the SCIENCE.md 1+ level', () => {
    const t = markerFor('MHC-I').thresholds;
    const ring = t.find((x) => x.name.includes('ring'))!;
    const interior = t.find((x) => x.name.includes('interior'))!;
    expect(ring.value).toBeGreaterThan(0);
    expect(ring.value).toBeLessThanOrEqual(interior.value);
    expect(interior.value).toBeLessThanOrEqual(0.2);
    expect(ring.ownChoice).toBe(true);
  });
});

describe('registry agrees with the infiltrate scorers', () => {
  it('states the cluster, HPF and perivascular numbers the scorers apply by default', async () => {
    const { InfiltrateOptions } = await import('../../src/score/infiltrates.js');
    const { PERIVASCULAR_UM } = await import('../../src/score/cell-location.js');
    const d = InfiltrateOptions.parse({});
    const t = markerFor('CD3').thresholds;
    const v = (name: string) => t.find((x) => x.name === name)?.value;
    expect(v('cluster link distance')).toBe(d.linkUm);
    expect(v('cluster minimum size')).toBe(d.minClusterCells);
    expect(v('infiltrate cells per HPF')).toBe(d.cellsPerHpf);
    expect(v('HPF area')).toBe(d.hpfAreaMm2);
    expect(v('perivascular distance from vessel wall')).toBe(PERIVASCULAR_UM);
    const { SEPTUM_MIN_UM } = await import('../../src/score/perimysium-mask.js');
    expect(t.find((x) => x.name.startsWith('narrowest perimysial septum'))?.value).toBe(SEPTUM_MIN_UM);
  });
});
