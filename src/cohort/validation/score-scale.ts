import { HPF_AREA_MM2 } from '../../domain/params.js';
import { SCORE_FIELDS, type ScoreField } from '../../domain/score-fields.js';

/**
 * How a score is measured, derived from its entry in the score fields table
 * (src/domain/score-fields.ts), so a score added there can be read manually without a second
 * table. The scale picks the agreement statistics (validation/agreement.ts):
 * - count: cells, positive cells, clusters and densities per mm² — a ratio scale whose
 *   differences grow with the count, so Bland–Altman is also done on ratios;
 * - continuous: percentages, H-scores, areas, on a bounded or half-open range;
 * - ordinal: whole-number grades 0…N (MHC-I grade 0–5, infiltrate grade 0–4, Allred 0–8);
 * - binary: yes/no calls (IL-1 expressed), stored 1/0.
 */
export type ScoreScale =
  | { kind: 'count' }
  | { kind: 'continuous'; min: number; max: number | null }
  | { kind: 'ordinal'; levels: number[] }
  | { kind: 'binary' };

export interface ManualScoreSpec {
  field: ScoreField;
  scale: ScoreScale;
  /** a density per mm², which a pathologist may also give per high-power field */
  perArea: boolean;
}

const RANGE = /^0–(\d+)$/;

export function scaleOf(field: ScoreField): ScoreScale {
  if (field.kind === 'boolean') return { kind: 'binary' };
  const range = RANGE.exec(field.unit);
  if (range && field.digits === 0) return { kind: 'ordinal', levels: Array.from({ length: Number(range[1]) + 1 }, (_, i) => i) };
  if (field.unit === 'count' || field.unit === '1/mm²') return { kind: 'count' };
  if (field.unit.startsWith('%')) return { kind: 'continuous', min: 0, max: 100 };
  return { kind: 'continuous', min: 0, max: range ? Number(range[1]) : null };
}

/** Every score a pathologist can read by hand: the numeric and yes/no fields of the slide, not the QC annotations. */
export const MANUAL_SCORES: readonly ManualScoreSpec[] = SCORE_FIELDS.filter((f) => f.kind !== 'text' && !f.from[0].startsWith('qc.')).map((field) => ({
  field,
  scale: scaleOf(field),
  perArea: field.unit === '1/mm²',
}));

const BY_NAME = new Map(MANUAL_SCORES.map((s) => [s.field.name, s]));

export function manualScoreSpec(name: string): ManualScoreSpec | undefined {
  return BY_NAME.get(name);
}

/** A density unit as people write it: per mm² (the default) or per high-power field. */
export function densityUnitOf(raw: string): 'mm2' | 'hpf' | undefined {
  const k = raw.toLowerCase().replace(/[^a-z0-9²]/g, '').replace('²', '2');
  if (['mm2', 'permm2', '1mm2', 'cellsmm2', 'cellspermm2'].includes(k)) return 'mm2';
  if (['hpf', 'perhpf', '1hpf', 'cellshpf', 'cellsperhpf'].includes(k)) return 'hpf';
  return undefined;
}

const YES = new Set(['yes', 'y', 'true', '1', 'expressed', 'positive', 'pos']);
const NO = new Set(['no', 'n', 'false', '0', 'not expressed', 'negative', 'neg']);
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export type ValueResult = { ok: true; value: number } | { ok: false; message: string };

function describeScale(s: ScoreScale): string {
  switch (s.kind) {
    case 'binary':
      return 'yes or no';
    case 'ordinal':
      return `a whole grade ${s.levels[0]}–${s.levels.at(-1)}`;
    case 'count':
      return 'a number ≥ 0';
    case 'continuous':
      return s.max === null ? `a number ≥ ${s.min}` : `a number ${s.min}–${s.max}`;
  }
}

/**
 * A manual value in the score's own unit: yes/no as 1/0, a grade as a whole number on its scale,
 * a density given per high-power field divided by the HPF area (HPF_AREA_MM2, a 20× field of
 * 0.95 mm², src/domain/params.ts) to give per mm².
 */
export function readManualValue(spec: ManualScoreSpec, raw: unknown, unit: 'mm2' | 'hpf' = 'mm2'): ValueResult {
  const { scale } = spec;
  const expected = `expected ${describeScale(scale)} for ${spec.field.name} (${spec.field.unit}), got ${JSON.stringify(raw)}`;
  if (scale.kind === 'binary') {
    if (typeof raw === 'boolean') return { ok: true, value: raw ? 1 : 0 };
    const s = String(raw).trim().toLowerCase();
    return YES.has(s) ? { ok: true, value: 1 } : NO.has(s) ? { ok: true, value: 0 } : { ok: false, message: expected };
  }
  const v = typeof raw === 'number' ? raw : typeof raw === 'string' && DECIMAL.test(raw.trim()) ? Number(raw.trim()) : NaN;
  if (!Number.isFinite(v)) return { ok: false, message: expected };
  switch (scale.kind) {
    case 'ordinal':
      return Number.isInteger(v) && scale.levels.includes(v) ? { ok: true, value: v } : { ok: false, message: expected };
    case 'count':
      return v >= 0 ? { ok: true, value: unit === 'hpf' ? v / HPF_AREA_MM2 : v } : { ok: false, message: expected };
    case 'continuous':
      return v >= scale.min && (scale.max === null || v <= scale.max) ? { ok: true, value: v } : { ok: false, message: expected };
  }
}
