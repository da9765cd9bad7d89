// Score rows for the panel: a <dl> of name → value, each value carrying its field name and raw
// value as data attributes so a test (or a curious user) can read the stored number, not its
// rounded display.

export function formatNumber(v) {
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

export function scoreList(className = 'scores') {
  return Object.assign(document.createElement('dl'), { className });
}

/** One row; `shown` replaces the formatted value where a unit or a label reads better. */
export function addRow(dl, field, name, value, shown) {
  const dt = document.createElement('dt');
  dt.textContent = name;
  const dd = document.createElement('dd');
  dd.dataset.field = field;
  dd.dataset.value = String(value);
  dd.textContent = shown ?? formatNumber(value);
  dl.append(dt, dd);
  return dd;
}

export function heading(level, text) {
  return Object.assign(document.createElement(`h${level}`), { textContent: text });
}
