import { z } from 'zod';
import { IsoDate, Timepoint } from './biopsy.js';
import { Pseudonym } from './patient.js';

/**
 * Clinical outcome measures recorded at a visit (SCIENCE.md "Outcomes (IMACS)"): the six IMACS
 * core set measures plus the Functional Index FI-2. Raw values are stored; responder status is
 * derived (src/cohort/imacs.ts). Direction matters: for MMT-8 and FI-2 a higher value is better,
 * for all others a lower value is better.
 */
export const MEASURE_IDS = ['physicianGlobal', 'patientGlobal', 'mmt8', 'haq', 'extramuscular', 'ck', 'fi2'] as const;
export const MeasureId = z.enum(MEASURE_IDS);
export type MeasureId = z.infer<typeof MeasureId>;

export type Direction = 'higher-better' | 'lower-better';

export interface MeasureSpec {
  id: MeasureId;
  name: string;
  unit: string;
  min: number;
  /** undefined: no upper bound (serum CK, FI-2 repetitions) */
  max?: number;
  better: Direction;
  /** one of the six IMACS core set measures used by the definition of improvement */
  core: boolean;
}

export const MEASURES: readonly MeasureSpec[] = [
  { id: 'physicianGlobal', name: 'physician global activity', unit: 'VAS 0-10 cm', min: 0, max: 10, better: 'lower-better', core: true },
  { id: 'patientGlobal', name: 'patient global activity', unit: 'VAS 0-10 cm', min: 0, max: 10, better: 'lower-better', core: true },
  { id: 'mmt8', name: 'manual muscle testing (MMT-8)', unit: 'points 0-80', min: 0, max: 80, better: 'higher-better', core: true },
  { id: 'haq', name: 'health assessment questionnaire (HAQ)', unit: 'points 0-3', min: 0, max: 3, better: 'lower-better', core: true },
  { id: 'extramuscular', name: 'extramuscular disease activity', unit: 'VAS 0-10 cm', min: 0, max: 10, better: 'lower-better', core: true },
  { id: 'ck', name: 'serum creatine kinase', unit: 'U/L', min: 0, better: 'lower-better', core: true },
  { id: 'fi2', name: 'Functional Index 2 (FI-2)', unit: 'repetitions', min: 0, better: 'higher-better', core: false },
];

export const CORE_MEASURES: readonly MeasureSpec[] = MEASURES.filter((m) => m.core);

export function measureSpec(id: MeasureId): MeasureSpec {
  const spec = MEASURES.find((m) => m.id === id);
  if (!spec) throw new Error(`no measure ${id}`);
  return spec;
}

/** "0–80", "≥ 0": the range as people read it, used in error messages. */
export function measureRange(spec: MeasureSpec): string {
  return spec.max === undefined ? `≥ ${spec.min}` : `${spec.min}–${spec.max}`;
}

function measureValue(spec: MeasureSpec) {
  const n = z.number().finite().min(spec.min, `${spec.id} must be ${measureRange(spec)}`);
  return (spec.max === undefined ? n : n.max(spec.max, `${spec.id} must be ${measureRange(spec)}`)).optional();
}

/** One clinical visit. Any measure may be missing (not recorded); a missing one is left out. */
export const Visit = z.object({
  patient: Pseudonym,
  timepoint: Timepoint,
  date: IsoDate,
  physicianGlobal: measureValue(measureSpec('physicianGlobal')),
  patientGlobal: measureValue(measureSpec('patientGlobal')),
  mmt8: measureValue(measureSpec('mmt8')),
  haq: measureValue(measureSpec('haq')),
  extramuscular: measureValue(measureSpec('extramuscular')),
  ck: measureValue(measureSpec('ck')),
  fi2: measureValue(measureSpec('fi2')),
});
export type Visit = z.infer<typeof Visit>;
