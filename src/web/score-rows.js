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

/**
 * A score field's value on a slide entry ({ scores, markerScores }) and where it was found, read
 * as the score fields table (GET /score-fields, src/domain/score-fields.ts) says: the first of its
 * paths that holds a value, and only when the slide's marker (its marker scores') has the field
 * (`field.markers`). `at` is that path without its root, e.g. 'hScore' or 'mhc1.grade'.
 */
export function fieldValue(field, slide) {
  // a field of a scorer the slide's marker does not run has no value (no MHC-I grade on CD163)
  const marker = slide.markerScores?.marker;
  if (marker && Array.isArray(field.markers) && !field.markers.includes(marker)) return undefined;
  for (const path of field.from) {
    let v = slide;
    for (const key of path.split('.')) v = v !== null && typeof v === 'object' ? v[key] : undefined;
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return { value: v, at: path.slice(path.indexOf('.') + 1) };
  }
  return undefined;
}

/** As formatField in src/domain/score-fields.ts: whole numbers as they are, others with the field's decimals. */
export function formatField(field, v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(field.digits);
}

/** Fields that read one value, by its path without the root ('mhc1.grade'): labels and decimals for the marker panel. */
export function fieldsByPath(fields) {
  const out = new Map();
  for (const f of fields) if (f.from.length === 1) out.set(f.from[0].slice(f.from[0].indexOf('.') + 1), f);
  return out;
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
