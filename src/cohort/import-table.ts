import { z } from 'zod';
import type { ImportIssue } from '../errors/index.js';
import type { TableSpec } from './import-fields.js';
import { columnKey, readTable } from './import-rows.js';

/** A file to import: its name (named in every problem; `.json` tells JSON from CSV) and its text. */
export const ImportSource = z.object({
  /** file name, used in messages and to tell JSON (`.json`) from CSV */
  name: z.string().min(1),
  text: z.string(),
});
export type ImportSource = z.infer<typeof ImportSource>;

/** The valid records of one file, each with the row (CSV line or JSON item) it came from. */
export interface Validated<T> {
  file: string;
  records: { row: number; value: T }[];
}

/**
 * Reads one file against a table spec: the header mapped to the spec's columns (case, spaces and
 * punctuation ignored), every cell read by its column, every record checked by the spec's schema.
 * Problems go to `issues` by file, row and field; only the valid records come back.
 */
export function validateTable<T>(spec: TableSpec<T>, source: ImportSource, issues: ImportIssue[]): Validated<T> {
  const file = source.name;
  const table = readTable(file, source.text);
  issues.push(...table.issues);
  const json = file.toLowerCase().endsWith('.json');
  const headerRow = json ? null : 1;

  // header: which file column feeds which field
  const byKey = new Map(spec.columns.map((c) => [columnKey(c.name), c]));
  const sourceOf = new Map<string, string>();
  for (const name of table.columns) {
    const col = byKey.get(columnKey(name));
    if (!col) {
      issues.push({ file, row: headerRow, field: name, message: `unknown column; expected ${spec.columns.map((c) => c.name).join(', ')}` });
    } else if (sourceOf.has(col.name)) {
      issues.push({ file, row: headerRow, field: name, message: `column ${col.name} appears twice` });
    } else {
      sourceOf.set(col.name, name);
    }
  }
  // a CSV without a required column would fail every row the same way: say it once, at the header
  if (!json && table.columns.length > 0) {
    const missing = spec.columns.filter((c) => c.required && !sourceOf.has(c.name));
    for (const c of missing) issues.push({ file, row: headerRow, field: c.name, message: 'required column missing' });
    if (missing.length > 0) return { file, records: [] };
  }

  const records: { row: number; value: T }[] = [];
  for (const raw of table.rows) {
    const obj: Record<string, unknown> = {};
    let ok = true;
    for (const col of spec.columns) {
      const cell = col.read(sourceOf.has(col.name) ? raw.cells[sourceOf.get(col.name)!] : undefined);
      if (cell.ok) {
        if (cell.value !== undefined) obj[col.name] = cell.value;
      } else {
        ok = false;
        issues.push({ file, row: raw.row, field: col.name, message: cell.message });
      }
    }
    if (!ok) continue;
    const parsed = spec.schema.safeParse(obj);
    if (parsed.success) {
      records.push({ row: raw.row, value: parsed.data });
    } else {
      for (const iss of parsed.error.issues) {
        issues.push({ file, row: raw.row, field: iss.path.length ? iss.path.join('.') : null, message: iss.message });
      }
    }
  }
  return { file, records };
}

/** Reports every record whose key was already seen, naming the row it was first seen on. */
export function duplicates<T>(t: Validated<T>, key: (v: T) => string, field: string, what: (v: T) => string, issues: ImportIssue[]) {
  const first = new Map<string, number>();
  for (const { row, value } of t.records) {
    const k = key(value);
    const seen = first.get(k);
    if (seen === undefined) first.set(k, row);
    else issues.push({ file: t.file, row, field, message: `duplicate ${what(value)} (first at ${t.file.toLowerCase().endsWith('.json') ? 'item' : 'row'} ${seen})` });
  }
}

