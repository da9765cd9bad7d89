import { describe, expect, it } from 'vitest';
import { imacsResponders } from '../../src/cohort/imacs.js';
import { Visit } from '../../src/domain/outcome.js';
import { DEMO_RESPONDERS, PLANTED, PLANTED_EFFECTS, NULL_EFFECTS } from '../../src/synthetic/cohort/planted-effects.js';
import { planDemoCohort } from '../../src/synthetic/cohort/plan.js';

// small slides: the plan only renders the truth of the 15 baseline IL-1α sections
const plan = planDemoCohort({ seed: 2026, size: 512 });

describe('demo cohort plan', () => {
  it('has 15 patients with mixed diagnoses, two biopsies and visits each, four serial sections per biopsy', () => {
    expect(plan.patients.map((p) => p.pseudonym)).toEqual(Array.from({ length: 15 }, (_, i) => `DEMO-${String(i + 1).padStart(2, '0')}`));
    expect(new Set(plan.patients.map((p) => p.diagnosis)).size).toBe(5);
    expect(plan.biopsies).toHaveLength(30);
    expect(plan.visits).toHaveLength(30);
    expect(plan.slides).toHaveLength(120);
    for (const b of plan.biopsies) {
      const sections = plan.slides.filter((s) => s.patient === b.patient && s.timepoint === b.timepoint);
      expect(sections.map((s) => s.marker).sort()).toEqual(['CD163', 'IL-1Ra', 'IL-1a', 'MHC-I']);
      // serial sections: one tissue seed per biopsy, a different one for the other biopsy
      expect(new Set(sections.map((s) => s.scene.seed)).size).toBe(1);
      // but each its own glass brightness, so no two sections are the same file
      expect(new Set(sections.map((s) => s.scene.i0)).size).toBe(4);
    }
    expect(new Set(plan.slides.map((s) => s.scene.seed)).size).toBe(30);
    for (const v of plan.visits) expect(Visit.safeParse(v).success).toBe(true);
  });

  it('makes exactly the planned 7 patients IMACS responders', () => {
    const imacs = imacsResponders(plan.visits, 'baseline', 'month-6');
    expect(imacs).toHaveLength(15);
    const responders = imacs.filter((r) => r.responder === true).map((r) => r.patient);
    expect(responders).toHaveLength(DEMO_RESPONDERS);
    expect(responders).toEqual(plan.planted.filter((p) => p.responder).map((p) => p.patient));
    expect(imacs.filter((r) => r.responder === false)).toHaveLength(8);
    // one non-responder improves on enough measures but loses MMT-8: the rule, not the count, decides
    expect(imacs.filter((r) => r.responder === false && r.reason === 'MMT-8 worsened by ≥ 25 %')).toHaveLength(1);
  });

  it('plants IL-1Ra at month 6 in 7/7 responders vs 3/8 non-responders, 3/7 vs 3/8 at baseline', () => {
    const count = (responder: boolean, tp: 'baseline' | 'month-6') =>
      plan.planted.filter((p) => p.responder === responder && p.il1raExpressed[tp]).length;
    expect([count(true, 'month-6'), count(false, 'month-6')]).toEqual([7, 3]);
    expect([count(true, 'baseline'), count(false, 'baseline')]).toEqual([3, 3]);
    for (const s of plan.slides.filter((x) => x.marker === 'IL-1Ra')) {
      expect(s.scene.il1Expressed).toBe(plan.planted.find((p) => p.patient === s.patient)!.il1raExpressed[s.timepoint]);
    }
  });

  it('plants CD163 falling and MHC-I low only in responders, within the stated ranges', () => {
    for (const p of plan.planted) {
      expect(p.macrophagesPerMm2.baseline).toBeGreaterThanOrEqual(PLANTED.macrophagesBaseline[0]);
      if (p.responder) {
        expect(p.macrophagesPerMm2['month-6']).toBeLessThanOrEqual(PLANTED.macrophagesMonth6Responder[1]);
        expect(p.mhcFraction.baseline).toBeLessThanOrEqual(PLANTED.mhcFractionBaselineResponder[1]);
      } else {
        expect(p.macrophagesPerMm2['month-6'] / p.macrophagesPerMm2.baseline).toBeGreaterThanOrEqual(PLANTED.macrophagesMonth6NonResponderFactor[0]);
        expect(p.mhcFraction.baseline).toBeGreaterThanOrEqual(PLANTED.mhcFractionBaselineNonResponder[0]);
      }
    }
  });

  it('ties the FI-2 change to the planted baseline IL-1α area (more IL-1α, less recovery)', () => {
    const byArea = [...plan.planted].sort((a, b) => a.il1aBaselinePctArea - b.il1aBaselinePctArea);
    const lowHalf = byArea.slice(0, 7).reduce((s, p) => s + p.fi2Change, 0) / 7;
    const highHalf = byArea.slice(8).reduce((s, p) => s + p.fi2Change, 0) / 7;
    expect(highHalf).toBeLessThan(lowHalf - 4);
    for (const p of plan.planted) {
      const [v0, v6] = plan.visits.filter((v) => v.patient === p.patient);
      expect(v6.fi2! - v0.fi2!).toBe(p.fi2Change);
    }
  });

  it('is deterministic from its seed and names each effect once', () => {
    expect(planDemoCohort({ seed: 2026, size: 512 }).visits).toEqual(plan.visits);
    expect(planDemoCohort({ seed: 7, size: 512 }).visits).not.toEqual(plan.visits);
    const ids = [...PLANTED_EFFECTS, ...NULL_EFFECTS].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(PLANTED_EFFECTS.every((e) => e.planted && e.sign !== undefined)).toBe(true);
    expect(NULL_EFFECTS.every((e) => !e.planted && e.sign === undefined)).toBe(true);
  });
});
