import { describe, expect, it } from 'vitest';
import { imacsImprovement, imacsResponders } from '../../src/cohort/imacs.js';
import { MetadataError } from '../../src/errors/index.js';
import { Visit } from '../../src/domain/outcome.js';

// Baseline visit of a hand-made patient; follow-ups below change it measure by measure.
const BASE: Visit = Visit.parse({
  patient: 'P01',
  timepoint: 'baseline',
  date: '2024-01-10',
  physicianGlobal: 6,
  patientGlobal: 5,
  mmt8: 60,
  haq: 1.5,
  extramuscular: 4,
  ck: 2000,
  fi2: 20,
});

function followUp(changes: Partial<Visit>, drop: (keyof Visit)[] = []): Visit {
  const v: Record<string, unknown> = { ...BASE, timepoint: 'month-6', date: '2024-07-10', ...changes };
  for (const k of drop) delete v[k];
  return Visit.parse(v);
}

const statusOf = (r: ReturnType<typeof imacsImprovement>) =>
  Object.fromEntries(r.measures.map((m) => [m.measure, m.status]));

describe('IMACS definition of improvement', () => {
  it('responder: 3 improved by ≥ 20 % (20 % exactly counts), 2 worsened by ≥ 25 %, MMT-8 not worsened', () => {
    // physician 6→4 (+33.3 %), patient 5→4 (+20 %), HAQ 1.5→1.2 (+20 %), MMT 60→66 (+10 %),
    // extramuscular 4→5 (−25 %), CK 2000→2600 (−30 %)
    const r = imacsImprovement(BASE, followUp({ physicianGlobal: 4, patientGlobal: 4, haq: 1.2, mmt8: 66, extramuscular: 5, ck: 2600 }));
    expect(r.responder).toBe(true);
    expect([r.improved, r.worsened, r.missing]).toEqual([3, 2, 0]);
    expect(statusOf(r)).toEqual({
      physicianGlobal: 'improved',
      patientGlobal: 'improved',
      mmt8: 'stable',
      haq: 'improved',
      extramuscular: 'worsened',
      ck: 'worsened',
    });
    const pct = Object.fromEntries(r.measures.map((m) => [m.measure, m.improvementPct]));
    expect(pct.physicianGlobal).toBeCloseTo(33.333, 3);
    expect(pct.patientGlobal).toBeCloseTo(20, 9);
    expect(pct.mmt8).toBeCloseTo(10, 9);
    expect(pct.extramuscular).toBeCloseTo(-25, 9);
    expect(pct.ck).toBeCloseTo(-30, 9);
    // FI-2 is not one of the six core measures
    expect(r.measures.map((m) => m.measure)).not.toContain('fi2');
  });

  it('direction: MMT-8 rising and CK falling are improvements, the reverse are not', () => {
    const up = imacsImprovement(BASE, followUp({ mmt8: 72, ck: 1600, haq: 1.2 }));
    expect(statusOf(up)).toMatchObject({ mmt8: 'improved', ck: 'improved', haq: 'improved' });
    expect(up.responder).toBe(true);
    const down = imacsImprovement(BASE, followUp({ ck: 2400, haq: 1.8 }));
    // +20 % CK and HAQ are 20 % worse: not improved, and below the 25 % worsening threshold
    expect(statusOf(down)).toMatchObject({ ck: 'stable', haq: 'stable' });
    expect(down.measures.find((m) => m.measure === 'ck')!.improvementPct).toBeCloseTo(-20, 9);
  });

  it('non-responder by count: only 2 measures improved by ≥ 20 %', () => {
    // physician +33 %, CK +50 %, patient 5→4.2 (+16 %), HAQ 1.5→1.3 (+13 %)
    const r = imacsImprovement(BASE, followUp({ physicianGlobal: 4, ck: 1000, patientGlobal: 4.2, haq: 1.3 }));
    expect(r.responder).toBe(false);
    expect(r.improved).toBe(2);
    expect(r.reason).toContain('2 measures improved');
  });

  it('non-responder because MMT-8 worsened by ≥ 25 %, even with 5 others improved', () => {
    const r = imacsImprovement(
      BASE,
      followUp({ physicianGlobal: 2, patientGlobal: 2, haq: 0.5, extramuscular: 1, ck: 300, mmt8: 45 }),
    );
    expect(r.improved).toBe(5);
    expect(r.worsened).toBe(1);
    expect(statusOf(r).mmt8).toBe('worsened');
    expect(r.responder).toBe(false);
    expect(r.reason).toContain('MMT-8');
  });

  it('non-responder with 3 improved but 3 worsened by ≥ 25 %', () => {
    // improved: physician, patient, MMT (+25 %); worsened: HAQ 1.5→2, extramuscular 4→6, CK 2000→3000
    const r = imacsImprovement(
      BASE,
      followUp({ physicianGlobal: 3, patientGlobal: 3, mmt8: 75, haq: 2, extramuscular: 6, ck: 3000 }),
    );
    expect([r.improved, r.worsened]).toEqual([3, 3]);
    expect(r.responder).toBe(false);
    expect(r.reason).toContain('3 measures worsened');
  });

  it('missing measures: decided only when the missing values cannot change the outcome', () => {
    // 4 improved, CK missing: even a worsened CK leaves 1 worsening → responder
    const fourAndCk = imacsImprovement(BASE, followUp({ physicianGlobal: 3, patientGlobal: 3, haq: 1, extramuscular: 2 }, ['ck']));
    expect(fourAndCk.missing).toBe(1);
    expect(statusOf(fourAndCk).ck).toBe('missing');
    expect(fourAndCk.measures.find((m) => m.measure === 'ck')).toMatchObject({ baseline: 2000, followUp: null, improvementPct: null });
    expect(fourAndCk.responder).toBe(true);

    // 3 improved but MMT-8 missing at follow-up: it may have worsened → undecided
    const noMmt = imacsImprovement(BASE, followUp({ physicianGlobal: 3, patientGlobal: 3, haq: 1 }, ['mmt8']));
    expect(noMmt.improved).toBe(3);
    expect(noMmt.responder).toBeNull();
    expect(noMmt.reason).toContain('mmt8');

    // 2 improved, 1 missing: it could be the third improvement → undecided
    const twoAndOne = imacsImprovement(BASE, followUp({ physicianGlobal: 3, patientGlobal: 3 }, ['haq']));
    expect(twoAndOne.responder).toBeNull();

    // 1 improved, 1 missing: 3 is out of reach → non-responder
    const oneAndOne = imacsImprovement(BASE, followUp({ physicianGlobal: 3 }, ['haq']));
    expect(oneAndOne.responder).toBe(false);

    // missing at baseline counts as missing too
    const baseNoHaq = Visit.parse({ ...BASE, haq: undefined });
    const r = imacsImprovement(baseNoHaq, followUp({ physicianGlobal: 3, patientGlobal: 3, extramuscular: 1, ck: 500 }));
    expect(statusOf(r).haq).toBe('missing');
    expect(r.responder).toBe(true);
  });

  it('zero baselines: a rise of a lower-is-better measure from 0 is worsening, MMT-8 from 0 is improvement', () => {
    const base0 = Visit.parse({ ...BASE, extramuscular: 0, haq: 0, mmt8: 0 });
    const r = imacsImprovement(base0, followUp({ extramuscular: 0, haq: 0.5, mmt8: 10 }));
    const by = Object.fromEntries(r.measures.map((m) => [m.measure, m]));
    expect(by.extramuscular).toMatchObject({ status: 'stable', improvementPct: 0 });
    expect(by.haq).toMatchObject({ status: 'worsened', improvementPct: null });
    expect(by.mmt8).toMatchObject({ status: 'improved', improvementPct: null });
  });

  it('refuses visits of two patients and pairs visits by patient across a cohort', () => {
    expect(() => imacsImprovement(BASE, { ...followUp({}), patient: 'P02' })).toThrow(MetadataError);
    const p2base = Visit.parse({ ...BASE, patient: 'P02' });
    const p2m6 = Visit.parse({ ...followUp({ mmt8: 40 }), patient: 'P02' });
    const p3base = Visit.parse({ ...BASE, patient: 'P03' }); // no month-6 visit: left out
    const p1m6 = followUp({ physicianGlobal: 3, patientGlobal: 3, haq: 1 });
    const results = imacsResponders([p2m6, BASE, p3base, p1m6, p2base]);
    expect(results.map((r) => [r.patient, r.responder])).toEqual([
      ['P01', true],
      ['P02', false],
    ]);
  });
});
