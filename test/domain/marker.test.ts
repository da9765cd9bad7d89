import { describe, expect, it } from 'vitest';
import { MetadataError } from '../../src/errors/index.js';
import { MARKERS, knownMarkers, markerFor, markerKey, MarkerSpec, markerThresholds, paramsForMarker, runsScorer } from '../../src/domain/marker.js';
import { paramsHash } from '../../src/domain/params.js';

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
    expect(markerFor('CD163').scorers).toEqual(['area', 'cells', 'cd163', 'infiltrates']);
    expect(runsScorer(markerFor('CD3'), 'infiltrates')).toBe(true);
    expect(runsScorer(markerFor('CD3'), 'cd163')).toBe(false);
    expect(markerFor('IL-1Ra').scorers).toEqual(['area', 'cells', 'il1']);
    // MHC-I grades fibres, not cells: no cell densities, grades or H-score for it
    expect(markerFor('MHC-I').scorers).toEqual(['area', 'mhc1']);
    expect(markerFor('MHC-I').compartment).toBe('fibre');
    expect(markerFor('CD8').compartment).toBe('membrane');
    for (const m of MARKERS) expect(m.scorers[0]).toBe('area');
  });

  it('states a source for every threshold, and own choices say so', () => {
    for (const m of MARKERS) {
      for (const t of m.thresholds) {
        expect(t.source.length, `${m.id} ${t.name}`).toBeGreaterThan(10);
        if (!t.ownChoice) expect(t.source, `${m.id} ${t.name}`).toMatch(/SCIENCE\.md|et al\./);
      }
    }
  });

});

describe('registry thresholds are read off the parameters', () => {
  it('equal each marker\'s resolved default parameters (no hand copy)', () => {
    for (const m of MARKERS) expect(m.thresholds, m.id).toEqual(markerThresholds(m, paramsForMarker(m.id)));
    const d = paramsForMarker('CD3');
    const v = (name: string) => markerFor('CD3').thresholds.find((x) => x.name === name)?.value;
    expect(v('cluster link distance')).toBe(d.infiltrates.linkUm);
    expect(v('cluster minimum size')).toBe(d.infiltrates.minClusterCells);
    expect(v('infiltrate cells per HPF')).toBe(d.infiltrates.cellsPerHpf);
    expect(v('HPF area')).toBeCloseTo(0.9503, 4);
    expect(v('perivascular distance from vessel wall')).toBe(d.location.perivascularUm);
    expect(v('narrowest perimysial septum (wider gaps between fibres are perimysium)')).toBe(d.location.septumUm);
    // CD3 grades on the cytoplasm (its membrane rim), and its grade thresholds say so
    expect(markerFor('CD3').thresholds.filter((x) => x.unit === 'OD' && x.name.startsWith('cell DAB')).map((x) => x.name)).toEqual([
      'cell DAB OD 1+ (cytoplasm mean)',
      'cell DAB OD 2+ (cytoplasm mean)',
      'cell DAB OD 3+ (cytoplasm mean)',
    ]);
    expect(markerFor('IL-1b').thresholds.find((x) => x.name.startsWith('cell DAB OD 1+'))?.name).toBe('cell DAB OD 1+ (cytoplasm mean)');
  });

  it('follow a changed parameter: every number moves with the parameter it documents', () => {
    const changed = paramsForMarker('MHC-I', { mhc1: { ring: 0.07 }, positiveAreaThreshold: 0.3 });
    const t = markerThresholds(markerFor('MHC-I'), changed);
    expect(t.find((x) => x.name.includes('ring'))?.value).toBe(0.07);
    expect(t.find((x) => x.name === 'pixel DAB OD for positive area')?.value).toBe(0.3);
    const il1 = markerThresholds(markerFor('IL-1Ra'), paramsForMarker('IL-1Ra', { il1: { minPositiveCellsPerMm2: 25 }, gradeThresholds: [0.15, 0.4, 0.6] }));
    expect(il1.find((x) => x.unit === 'cells/mm²')?.value).toBe(25);
    expect(il1.find((x) => x.name.startsWith('cell DAB OD 1+'))?.value).toBe(0.15);
  });

  it('are the numbers the scorers applied: a CD3 slide scored with its params stores the registry\'s cluster and HPF numbers, IL-1 its expressed thresholds', async () => {
    const { scoreSlide } = await import('../../src/score/score-slide.js');
    const tile = {
      tileId: 0,
      tissuePixels: 4_000_000,
      dabPositivePixels: 80_000,
      pixelGradeCounts: [3_900_000, 50_000, 30_000, 20_000] as [number, number, number, number],
      detections: Array.from({ length: 12 }, (_, i) => ({
        x: 100 + 5 * i, y: 100, nucleusAreaUm2: 30, cellAreaUm2: 80, hematoxylinOd: 0.3, dabNucleus: 0.1, dabCytoplasm: 0.5, dabCell: 0.3, grade: 2, location: 'endomysial' as const, inFibre: false,
      })),
      // a muscle section: 300 fibres of 2500 µm² in one fascicle cover 75% of the 1 mm², so its cells may be located
      fibres: Array.from({ length: 300 }, (_, i) => ({
        x: 25 + 50 * (i % 20), y: 25 + 50 * Math.floor(i / 20), areaUm2: 2500, minFeretUm: 50, ringDab: 0, interiorDab: 0, peripheralNuclei: 2, internalNuclei: 0, perifascicular: false, fascicleFibres: 300,
      })),
    };
    const cd3 = scoreSlide([tile], { mpp: 0.5, marker: 'CD3', params: paramsForMarker('CD3') });
    const t = markerFor('CD3').thresholds;
    const opts = cd3.markerScores?.infiltrates?.options;
    expect(opts?.linkUm).toBe(t.find((x) => x.name === 'cluster link distance')?.value);
    expect(opts?.minClusterCells).toBe(t.find((x) => x.name === 'cluster minimum size')?.value);
    expect(opts?.hpfAreaMm2).toBe(t.find((x) => x.name === 'HPF area')?.value);
    expect(cd3.markerScores?.infiltrates?.byLocation.endomysial.clusters).toBe(1);
    // a user override reaches the scorer: clusters of ≥ 13 cells find none among 12
    const strict = scoreSlide([tile], { mpp: 0.5, marker: 'CD3', params: paramsForMarker('CD3', { infiltrates: { minClusterCells: 13 } }) });
    expect(strict.markerScores?.infiltrates?.byLocation.endomysial.clusters).toBe(0);
    const il1 = scoreSlide([tile], { mpp: 0.5, marker: 'IL-1Ra', params: paramsForMarker('IL-1Ra') });
    const it1 = markerFor('IL-1Ra').thresholds;
    expect(il1.markerScores?.il1?.thresholds.minPctPositiveArea).toBe(it1.find((x) => x.unit === '%')?.value);
    expect(il1.markerScores?.il1?.thresholds.minPositiveCellsPerMm2).toBe(it1.find((x) => x.unit === 'cells/mm²')?.value);
  });
});

describe('paramsForMarker', () => {
  it('grades each marker where it stains (SCIENCE.md): lymphocyte markers on the cytoplasm of a 1 µm rim (the membrane), CD68 and IL-1 on the cytoplasm (IL-1 its upper half, above the tissue round it), CD163 on the whole cell', () => {
    for (const id of ['CD3', 'CD4', 'CD8', 'cd-8', 'CD45', 'LCA']) {
      expect(paramsForMarker(id).compartment, id).toBe('cytoplasm');
      expect(paramsForMarker(id).cellExpansionUm, id).toBe(1);
      expect(paramsForMarker(id).ringUpperFraction, id).toBe(0.3);
    }
    for (const id of ['CD68', 'IL-1a', 'IL-1b', 'IL-1Ra']) {
      expect(paramsForMarker(id).compartment, id).toBe('cytoplasm');
      expect(paramsForMarker(id).cellExpansionUm, id).toBe(3);
      expect(paramsForMarker(id).ringUpperFraction, id).toBe(id === 'CD68' ? 1 : 0.5);
      expect(paramsForMarker(id).surroundDab.enabled, id).toBe(id !== 'CD68');
    }
    // CD163 stains the macrophage's membrane and cytoplasm: the whole cell body; MHC-I grades no cells
    for (const id of ['CD163', 'MHC-I']) expect(paramsForMarker(id).compartment, id).toBe('cell');
    expect(paramsForMarker(undefined).compartment).toBe('cell');
    expect(paramsForMarker('CD20').compartment).toBe('cell');
  });

  it('lets the user override the marker, and keeps the rest of both', () => {
    const p = paramsForMarker('CD3', { compartment: 'cell', tileSize: 512, nucleus: { minAreaUm2: 12 } });
    expect(p.compartment).toBe('cell');
    expect(p.tileSize).toBe(512);
    expect(p.nucleus.minAreaUm2).toBe(12);
    expect(p.nucleus.maxAreaUm2).toBe(400);
    expect(paramsForMarker('CD3', { tileSize: 512 }).compartment).toBe('cytoplasm');
  });

  it('turns muscle analysis on for the study\'s markers unless the user says otherwise', () => {
    expect(paramsForMarker('MHC-I').muscle.enabled).toBe(true);
    expect(paramsForMarker(undefined).muscle.enabled).toBe(false);
    expect(paramsForMarker('CD20').muscle.enabled).toBe(false);
    expect(paramsForMarker('CD3', { muscle: { enabled: false } }).muscle.enabled).toBe(false);
  });

  it("analyses each marker's slides with the registry's nucleus detector unless the user picks one (issue 15)", () => {
    for (const m of MARKERS) {
      expect(paramsForMarker(m.id).detector, m.id).toBe(m.detector);
      expect(m.detectorWhy.length, m.id).toBeGreaterThan(0);
      expect(paramsForMarker(m.id, { detector: 'model' }).detector, m.id).toBe('model');
      expect(paramsForMarker(m.id, { detector: 'classical' }).detector, m.id).toBe('classical');
      // a flag left out (undefined) keeps the registry's choice
      expect(paramsForMarker(m.id, { detector: undefined }).detector, m.id).toBe(m.detector);
    }
    expect(paramsForMarker('CD20').detector).toBe('classical');
  });

  it('gives the same parameters (and hash) for every spelling of a marker', () => {
    expect(paramsHash(paramsForMarker('CD-3'))).toBe(paramsHash(paramsForMarker('CD3')));
    expect(paramsHash(paramsForMarker('CD3'))).not.toBe(paramsHash(paramsForMarker('CD163')));
  });

  it('refuses bad overrides with a MetadataError naming the field', () => {
    expect(() => paramsForMarker('CD3', { compartment: 'fibre' as never })).toThrow(MetadataError);
    expect(() => paramsForMarker('CD3', { infiltrates: { linkUm: -1 } })).toThrow(/infiltrates\.linkUm/);
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
