/**
 * The demo cohort's design, deterministic from one seed: 15 patients (7 IMACS responders),
 * a baseline and a month-6 biopsy each, four serial sections per biopsy (one tissue seed per
 * biopsy, so the sections show the same fibres), and visits whose IMACS core set makes exactly
 * the planned patients responders. Values come from PLANTED (planted-effects.ts).
 */
import type { Biopsy } from '../../domain/biopsy.js';
import type { Visit } from '../../domain/outcome.js';
import type { Diagnosis, Patient } from '../../domain/patient.js';
import { Rng } from '../rng.js';
import type { MuscleOptionsInput } from '../muscle/options.js';
import { makeMuscleScene } from '../muscle/scene.js';
import { muscleTruthOf } from '../muscle/truth-of.js';
import { COHORT_MARKERS, COHORT_TIMEPOINTS, DEMO_PATIENTS, DEMO_RESPONDERS, PLANTED, type CohortMarker, type CohortTimepoint } from './planted-effects.js';

export const DEMO_COHORT_SEED = 2026;
/** slide edge (px at 0.5 µm/px): ~0.1 mm² of tissue inside the glass margin, ~1 s of analysis */
export const DEMO_SLIDE_SIZE = 768;
export const DEMO_MPP = 0.5;
/** glass round each section (µm), which the pipeline needs to measure the background */
export const DEMO_SECTION_MARGIN_UM = 60;

const DIAGNOSES: readonly Diagnosis[] = ['DM', 'PM', 'IBM', 'IMNM', 'ASS'];
const MUSCLES = ['vastus lateralis', 'deltoid', 'biceps brachii'] as const;

export interface PlannedSlide {
  patient: string;
  timepoint: CohortTimepoint;
  marker: CohortMarker;
  /** file name inside the cohort's slides folder */
  name: string;
  scene: MuscleOptionsInput;
}

/** What was planted in one patient: the truth the comparisons should recover. */
export interface PlantedPatient {
  patient: string;
  responder: boolean;
  macrophagesPerMm2: Record<CohortTimepoint, number>;
  mhcFraction: Record<CohortTimepoint, number>;
  il1aExpressed: Record<CohortTimepoint, boolean>;
  il1raExpressed: Record<CohortTimepoint, boolean>;
  /** planted (noise-free) IL-1α % positive area of the baseline section */
  il1aBaselinePctArea: number;
  fi2Change: number;
}

export interface CohortPlan {
  seed: number;
  size: number;
  patients: Patient[];
  biopsies: Biopsy[];
  visits: Visit[];
  slides: PlannedSlide[];
  planted: PlantedPatient[];
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));
const addDays = (iso: string, days: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** k distinct indices of 0..n-1 (partial Fisher–Yates), ascending */
function choose(rng: Rng, n: number, k: number): Set<number> {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return new Set(order.slice(0, k));
}

/**
 * IMACS core set at baseline and month 6. Responders improve ≥ 25 % on physician global,
 * patient global, HAQ and CK (4 of 6, MMT-8 better); non-responders improve at most CK.
 * One non-responder improves on four measures but loses ≥ 25 % of MMT-8: the definition's
 * "MMT not among the worsening" rule, not the count, makes it a non-responder.
 */
function visitsOf(rng: Rng, patient: string, responder: boolean, mmtWorsens: boolean, date: string): [Omit<Visit, 'fi2'>, Omit<Visit, 'fi2'>] {
  const base = {
    physicianGlobal: round(rng.uniform(4, 8), 1),
    patientGlobal: round(rng.uniform(4, 8), 1),
    mmt8: Math.round(rng.uniform(50, 68)),
    haq: round(rng.uniform(0.8, 2), 2),
    extramuscular: round(rng.uniform(1, 4), 1),
    ck: Math.round(rng.uniform(400, 3000)),
  };
  const f = (lo: number, hi: number) => rng.uniform(lo, hi);
  const improving = responder || mmtWorsens;
  const follow = {
    physicianGlobal: round(base.physicianGlobal * (improving ? f(0.4, 0.7) : f(0.85, 1.1)), 1),
    patientGlobal: round(base.patientGlobal * (improving ? f(0.5, 0.72) : f(0.9, 1.15)), 1),
    mmt8: Math.min(80, Math.round(base.mmt8 * (mmtWorsens ? f(0.6, 0.7) : responder ? f(1.05, 1.18) : f(0.95, 1.05)))),
    haq: round(base.haq * (improving ? f(0.5, 0.72) : f(0.9, 1.1)), 2),
    extramuscular: round(base.extramuscular * f(0.85, 1.15), 1),
    ck: Math.round(base.ck * (improving ? f(0.2, 0.6) : f(0.5, 0.7))),
  };
  return [
    { patient, timepoint: 'baseline', date, ...base },
    { patient, timepoint: 'month-6', date: addDays(date, 182), ...follow },
  ];
}

/** The cohort's design. Computes the planted IL-1α area of the 15 baseline sections (a few seconds). */
export function planDemoCohort(opts: { seed?: number; size?: number } = {}): CohortPlan {
  const seed = opts.seed ?? DEMO_COHORT_SEED;
  const size = opts.size ?? DEMO_SLIDE_SIZE;
  const rng = new Rng(seed);
  const responders = choose(rng, DEMO_PATIENTS, DEMO_RESPONDERS);
  const nonResponders = Array.from({ length: DEMO_PATIENTS }, (_, i) => i).filter((i) => !responders.has(i));
  const respondersList = [...responders].sort((a, b) => a - b);
  const mmtWorsens = nonResponders[rng.int(nonResponders.length)];
  const il1raMonth6 = new Set([...responders, ...[...choose(rng, nonResponders.length, PLANTED.il1raMonth6NonRespondersExpressing)].map((k) => nonResponders[k])]);
  const il1raBaseline = new Set([
    ...[...choose(rng, respondersList.length, PLANTED.il1raBaselineExpressing)].map((k) => respondersList[k]),
    ...[...choose(rng, nonResponders.length, PLANTED.il1raBaselineExpressing)].map((k) => nonResponders[k]),
  ]);

  const patients: Patient[] = [];
  const biopsies: Biopsy[] = [];
  const visits: Omit<Visit, 'fi2'>[] = [];
  const slides: PlannedSlide[] = [];
  const planted: PlantedPatient[] = [];
  for (let i = 0; i < DEMO_PATIENTS; i++) {
    const patient = `DEMO-${String(i + 1).padStart(2, '0')}`;
    const responder = responders.has(i);
    const p = new Rng(seed * 101 + i + 1);
    patients.push({ pseudonym: patient, diagnosis: DIAGNOSES[i % DIAGNOSES.length] });
    const date = addDays('2024-01-08', 7 * i + p.int(5));
    const [v0, v6] = visitsOf(p, patient, responder, i === mmtWorsens, date);
    visits.push(v0, v6);
    const muscle = MUSCLES[p.int(MUSCLES.length)];
    for (const v of [v0, v6]) biopsies.push({ patient, timepoint: v.timepoint, date: v.date, muscle });

    const macBase = p.uniform(...PLANTED.macrophagesBaseline);
    const mhcBase = responder ? p.uniform(...PLANTED.mhcFractionBaselineResponder) : p.uniform(...PLANTED.mhcFractionBaselineNonResponder);
    const macrophagesPerMm2 = {
      baseline: macBase,
      'month-6': responder ? p.uniform(...PLANTED.macrophagesMonth6Responder) : macBase * p.uniform(...PLANTED.macrophagesMonth6NonResponderFactor),
    };
    const mhcFraction = {
      baseline: mhcBase,
      'month-6': responder ? p.uniform(...PLANTED.mhcFractionMonth6Responder) : Math.min(0.95, mhcBase * p.uniform(...PLANTED.mhcFractionMonth6NonResponderFactor)),
    };
    const il1aExpressed = { baseline: true, 'month-6': true };
    const il1raExpressed = { baseline: il1raBaseline.has(i), 'month-6': il1raMonth6.has(i) };
    // each section gets its own glass brightness, as each is mounted and scanned on its own; it
    // also keeps two sections that stain alike (IL-1α and IL-1Ra both expressed) from being
    // byte-identical files, which the store would take for one slide
    const glass = new Rng(seed * 211 + i + 1);
    COHORT_TIMEPOINTS.forEach((tp, t) => {
      // one tissue seed per biopsy: the four markers are serial sections of it
      const tissueSeed = seed * 1000 + i * 10 + t;
      const glassBase = glass.uniform(238, 243);
      for (const [m, marker] of COHORT_MARKERS.entries()) {
        const scene: MuscleOptionsInput = {
          seed: tissueSeed,
          width: size,
          height: size,
          mpp: DEMO_MPP,
          marker,
          sectionMarginUm: DEMO_SECTION_MARGIN_UM,
          i0: round(glassBase + 2 * m + glass.uniform(0, 1), 1),
          macrophagesPerMm2: round(macrophagesPerMm2[tp], 1),
          mhcPattern: 'diffuse',
          mhcFraction: round(mhcFraction[tp], 3),
        };
        if (marker === 'IL-1a') scene.il1Expressed = il1aExpressed[tp];
        if (marker === 'IL-1Ra') scene.il1Expressed = il1raExpressed[tp];
        slides.push({ patient, timepoint: tp, marker, name: `${patient}_${tp}_${marker}.tif`, scene });
      }
    });
    planted.push({ patient, responder, macrophagesPerMm2, mhcFraction, il1aExpressed, il1raExpressed, il1aBaselinePctArea: 0, fi2Change: 0 });
  }

  // FI-2 change from the planted IL-1α area of each baseline section (its noise-free truth)
  const areas = planted.map((pp) => {
    const s = slides.find((x) => x.patient === pp.patient && x.timepoint === 'baseline' && x.marker === 'IL-1a')!;
    return muscleTruthOf(makeMuscleScene(s.scene)).scores.pctPositiveArea;
  });
  const mean = areas.reduce((a, b) => a + b, 0) / areas.length;
  const sd = Math.sqrt(areas.reduce((a, b) => a + (b - mean) ** 2, 0) / (areas.length - 1)) || 1;
  const fi2Rng = new Rng(seed * 31 + 7);
  const fullVisits: Visit[] = [];
  planted.forEach((pp, k) => {
    pp.il1aBaselinePctArea = areas[k];
    const z = (areas[k] - mean) / sd;
    const base = Math.round(fi2Rng.uniform(20, 45));
    const change = Math.max(-base, Math.round(PLANTED.fi2ChangeIntercept - PLANTED.fi2ChangeSlope * z + fi2Rng.normal(0, PLANTED.fi2ChangeNoiseSd)));
    pp.fi2Change = change;
    const [v0, v6] = visits.filter((v) => v.patient === pp.patient);
    fullVisits.push({ ...v0, fi2: base }, { ...v6, fi2: base + change });
  });
  return { seed, size, patients, biopsies, visits: fullVisits, slides, planted };
}
