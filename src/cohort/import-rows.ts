import { CsvError, parse } from 'csv-parse/sync';
import type { ImportIssue } from '../errors/index.js';

/** A record as read from a file, before validation: column name → raw cell (string, or JSON value). */
export interface RawRow {
  row: number;
  cells: Record<string, unknown>;
}

export interface RawTable {
  file: string;
  columns: string[];
  rows: RawRow[];
  issues: ImportIssue[];
}

/** Column names compared without case, spaces, hyphens or underscores: "MMT-8" = "mmt8". */
export function columnKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function readCsv(file: string, text: string): RawTable {
  let records: { record: string[]; raw: string; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true, raw: true }) as unknown as typeof records;
  } catch (err) {
    const line = err instanceof CsvError && typeof (err as { lines?: unknown }).lines === 'number' ? (err as unknown as { lines: number }).lines : null;
    return { file, columns: [], rows: [], issues: [{ file, row: line, field: null, message: `not valid CSV: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  if (records.length === 0) return { file, columns: [], rows: [], issues: [{ file, row: null, field: null, message: 'empty file, expected a header row' }] };
  const [header, ...body] = records;
  const columns = header.record;
  const issues: ImportIssue[] = [];
  const rows: RawRow[] = [];
  for (const r of body) {
    // info.lines is where the record ends; a quoted cell may span lines, the row is where it starts
    const row = r.info.lines - (r.raw.replace(/\r?\n$/, '').match(/\n/g)?.length ?? 0);
    if (r.record.length !== columns.length) {
      issues.push({ file, row, field: null, message: `expected ${columns.length} cells as in the header, got ${r.record.length}` });
      continue;
    }
    rows.push({ row, cells: Object.fromEntries(columns.map((c, i) => [c, r.record[i]])) });
  }
  return { file, columns, rows, issues };
}

function readJson(file: string, text: string): RawTable {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { file, columns: [], rows: [], issues: [{ file, row: null, field: null, message: `not valid JSON: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  if (!Array.isArray(data)) return { file, columns: [], rows: [], issues: [{ file, row: null, field: null, message: 'expected a JSON array of records' }] };
  const issues: ImportIssue[] = [];
  const rows: RawRow[] = [];
  const columns = new Set<string>();
  data.forEach((item, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      issues.push({ file, row: i + 1, field: null, message: 'expected an object' });
      return;
    }
    for (const k of Object.keys(item)) columns.add(k);
    rows.push({ row: i + 1, cells: item as Record<string, unknown> });
  });
  return { file, columns: [...columns], rows, issues };
}

/** Reads a CSV or JSON file (by its extension; CSV unless it ends in .json) into raw rows. */
export function readTable(file: string, text: string): RawTable {
  return file.toLowerCase().endsWith('.json') ? readJson(file, text) : readCsv(file, text);
}
