import { z } from 'zod';
import { Biopsy, BiopsySlide, findTimepoint, IsoDate, MarkerName, TIMEPOINTS } from '../domain/biopsy.js';
import { MEASURES, Visit, measureRange, type MeasureSpec } from '../domain/outcome.js';
import { Diagnosis, Patient, Pseudonym } from '../domain/patient.js';

/**
 * Column definitions of the four cohort tables: how one cell is read (CSV gives strings, JSON
 * gives strings, numbers or null) and what the message says when it cannot be. Each assembled
 * record is then checked again against its domain schema.
 */
export type CellResult = { ok: true; value: unknown } | { ok: false; message: string };

export interface Column {
  name: string;
  required: boolean;
  read(raw: unknown): CellResult;
}

export interface TableSpec<T> {
  /** what the file holds, e.g. 'visits' */
  table: string;
  columns: Column[];
  schema: z.ZodType<T>;
}

export const isBlank = (raw: unknown) => raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
export const shown = (raw: unknown) => JSON.stringify(raw);
// a plain decimal: Number() alone would also take "", "0x1A" and "Infinity"
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function column(name: string, required: boolean, read: (raw: unknown) => CellResult): Column {
  return {
    name,
    required,
    read: (raw) => {
      if (!isBlank(raw)) return read(raw);
      if (!required) return { ok: true, value: undefined };
      return { ok: false, message: raw === undefined ? 'required, missing' : 'required, got an empty cell' };
    },
  };
}

function fromSchema(name: string, schema: z.ZodType, expected: (raw: unknown) => string): Column {
  return column(name, true, (raw) => {
    const r = schema.safeParse(typeof raw === 'string' ? raw.trim() : raw);
    return r.success ? { ok: true, value: r.data } : { ok: false, message: expected(raw) };
  });
}

function numberColumn(spec: MeasureSpec): Column {
  return column(spec.id, false, (raw) => {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && DECIMAL.test(raw.trim()) ? Number(raw.trim()) : NaN;
    const inRange = Number.isFinite(n) && n >= spec.min && (spec.max === undefined || n <= spec.max);
    return inRange ? { ok: true, value: n } : { ok: false, message: `expected a number ${measureRange(spec)}, got ${shown(raw)}` };
  });
}

// No value is echoed: a pseudonym cell that fails may hold a real name.
export const pseudonym = (name: string) =>
  fromSchema(name, Pseudonym, () => 'expected a pseudonym (letters, digits, . _ -, at least one digit, no spaces), not a name; value not shown');

export const timepoint = column('timepoint', true, (raw) => {
  const tp = typeof raw === 'string' ? findTimepoint(raw) : undefined;
  return tp ? { ok: true, value: tp } : { ok: false, message: `expected one of ${TIMEPOINTS.join(', ')}, got ${shown(raw)}` };
});

export const date = fromSchema('date', IsoDate, (raw) => `expected a date YYYY-MM-DD, got ${shown(raw)}`);

const text = (name: string, max: number) =>
  fromSchema(name, z.string().min(1).max(max), (raw) => `expected text of at most ${max} characters, got ${typeof raw === 'string' ? `${raw.length} characters` : shown(raw)}`);

const diagnosis = column('diagnosis', true, (raw) => {
  const r = Diagnosis.safeParse(typeof raw === 'string' ? raw.trim().toUpperCase() : raw);
  return r.success ? { ok: true, value: r.data } : { ok: false, message: `expected one of ${Diagnosis.options.join(', ')}, got ${shown(raw)}` };
});

export const marker = column('marker', true, (raw) => {
  const r = MarkerName.safeParse(typeof raw === 'string' ? raw : String(raw));
  return r.success ? { ok: true, value: r.data } : { ok: false, message: r.error.issues[0].message };
});

export const PATIENTS: TableSpec<Patient> = { table: 'patients', columns: [pseudonym('pseudonym'), diagnosis], schema: Patient };

export const BIOPSIES: TableSpec<Biopsy> = {
  table: 'biopsies',
  columns: [pseudonym('patient'), timepoint, date, text('muscle', 64)],
  schema: Biopsy,
};

export const SLIDES: TableSpec<BiopsySlide> = {
  table: 'slides',
  columns: [pseudonym('patient'), timepoint, marker, text('file', 512)],
  schema: BiopsySlide,
};

export const VISITS: TableSpec<Visit> = {
  table: 'visits',
  columns: [pseudonym('patient'), timepoint, date, ...MEASURES.map(numberColumn)],
  schema: Visit,
};
