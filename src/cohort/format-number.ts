/** three significant digits, as the comparisons are reported; '–' where nothing was computed */
export function sig3(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (v === 0) return '0';
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}
