import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | boolean | null | undefined;

/**
 * The one CSV writer of the exports: RFC 4180 (header, CRLF, fields with `,` `"` CR or LF quoted).
 * Text a spreadsheet would run as a formula (= + - @ TAB CR at the start) gets a leading
 * apostrophe: patient ids and paths are typed by people, and a CSV opened in Excel must not execute
 * them. Numbers (negative ones too) are written as JavaScript prints them, never as a formula;
 * missing and undefined (NaN, ±Infinity) values are empty cells; booleans are true / false.
 */
export function csvText(header: readonly string[], records: readonly (readonly CsvCell[])[]): string {
  const cells = records.map((r) => r.map((v) => (v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? null : v)));
  return stringify([[...header], ...cells], {
    record_delimiter: 'windows',
    // csv-stringify stops quoting CR/LF once a record delimiter is given; RFC 4180 needs them quoted.
    quote_record_delimiter: true,
    escape_formulas: true,
    cast: { boolean: (b) => String(b) },
  });
}
