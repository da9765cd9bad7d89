import { describe, expect, it } from 'vitest';
import { biopsyOf, biopsySlideOf, canonicalTimepoint, findTimepoint, parseBiopsy } from '../../src/domain/biopsy.js';
import { canonicalMarker, MARKERS } from '../../src/domain/marker.js';
import { BiopsyKey, MarkerLabel, TimepointLabel } from '../../src/domain/names.js';
import { SlideMetadata } from '../../src/domain/slide.js';

describe('canonical names at the door', () => {
  it('every spelling the registry knows is stored as its id, through the metadata schema too', () => {
    let n = 0;
    for (const m of MARKERS) {
      for (const spelling of [m.id, m.name, ...m.aliases, ` ${m.aliases[0] ?? m.id}  `, (m.aliases[0] ?? m.id).toLowerCase()]) {
        expect(canonicalMarker(spelling), spelling).toBe(m.id);
        expect(SlideMetadata.parse({ marker: spelling }).marker, spelling).toBe(m.id);
        n++;
      }
    }
    expect(n).toBeGreaterThan(50);
    expect(['CD-163', 'cd163', 'CD163 macrophages', 'cd 163'].map(canonicalMarker)).toEqual(['CD163', 'CD163', 'CD163', 'CD163']);
  });

  it('an unknown stain keeps its name as given, trimmed (the cell pipeline still scores it)', () => {
    expect(canonicalMarker('  Ki-67 ')).toBe('Ki-67');
    expect(MarkerLabel.parse('Ki-67')).toBe('Ki-67');
    expect(MarkerLabel.safeParse('   ').success).toBe(false);
    expect(MarkerLabel.safeParse('x'.repeat(65)).success).toBe(false);
  });

  it('timepoint spellings become the study timepoints; others are kept as given, trimmed', () => {
    const cases: [string, string][] = [
      ['M6', 'month-6'], ['month 6', 'month-6'], ['Month-6', 'month-6'], ['month_6', 'month-6'], ['m12', 'month-12'],
      ['Month 12', 'month-12'], ['Baseline', 'baseline'], ['M0', 'baseline'], ['month-6', 'month-6'], [' week 3 ', 'week 3'],
    ];
    for (const [raw, want] of cases) {
      expect(canonicalTimepoint(raw), raw).toBe(want);
      expect(TimepointLabel.parse(raw), raw).toBe(want);
    }
    expect(findTimepoint('week 3')).toBeUndefined();
    expect(SlideMetadata.parse({ patient: 'P01', timepoint: 'M6', marker: 'cd-163', mpp: 0.5 })).toEqual({ patient: 'P01', timepoint: 'month-6', marker: 'CD163', mpp: 0.5 });
  });

  it('one biopsy key: built, split back and made canonical the same way', () => {
    expect(biopsyOf('P01', 'month-6')).toBe('P01:month-6');
    expect(biopsyOf(null, 'month-6')).toBeNull();
    expect(biopsyOf('P01', null)).toBeNull();
    expect(parseBiopsy('P01:month-6')).toEqual({ patient: 'P01', timepoint: 'month-6' });
    for (const bad of ['P01', ':month-6', 'P01:', '']) expect(parseBiopsy(bad), bad).toBeUndefined();
    expect(BiopsyKey.parse('P01:M6')).toBe('P01:month-6');
    expect(BiopsyKey.safeParse('P01').success).toBe(false);
    expect(biopsySlideOf('P01', 'baseline', 'CD163')).toBe('P01:baseline:CD163');
  });
});
