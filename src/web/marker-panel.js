// The marker's own scores (src/score/marker-scores.ts) under the generic ones in the score panel:
// MHC-I grade, % positive fibres and pattern; CD163+ density overall and by location; infiltrates
// by location with their grades and clusters; the IL-1 "expressed" call; scorers that did not run
// and why. Every value cell carries data-field (dotted path into markerScores) and data-value.
// Labels and decimals of the values that are score fields come from the score fields table
// (GET /score-fields); the layout (sections, location tables, cluster list) is the panel's own.

import { addRow, fieldsByPath, formatField, formatNumber, heading, scoreList } from './score-rows.js';

const LOCATIONS = ['endomysial', 'perimysial', 'perivascular'];

/** path → score field; set by renderMarkerScores */
let known = new Map();

/** A row for the score field whose value sits at `path` (under markerScores), with its label and format. */
function row(dl, path, value, shown) {
  const f = known.get(path);
  return addRow(dl, path, f ? f.label : path, value, shown ?? (f ? formatField(f, value) : undefined));
}

function locationTable(prefix, byLocation, columns) {
  const table = Object.assign(document.createElement('table'), { className: 'by-location' });
  const head = table.createTHead().insertRow();
  for (const h of ['', ...columns.map((c) => c.header)]) head.append(Object.assign(document.createElement('th'), { textContent: h }));
  const body = table.createTBody();
  for (const loc of LOCATIONS) {
    const tr = body.insertRow();
    tr.append(Object.assign(document.createElement('th'), { scope: 'row', textContent: loc }));
    for (const c of columns) {
      const v = byLocation[loc][c.key];
      const td = tr.insertCell();
      td.dataset.field = `${prefix}.${loc}.${c.key}`;
      td.dataset.value = String(v);
      const f = known.get(td.dataset.field);
      td.textContent = c.show ? c.show(byLocation[loc]) : f ? formatField(f, v) : formatNumber(v);
    }
  }
  return table;
}

function mhc1(box, m) {
  box.append(heading(4, 'MHC-I on fibres'));
  const dl = scoreList();
  row(dl, 'mhc1.grade', m.grade);
  row(dl, 'mhc1.percentPositive', m.percentPositive);
  row(dl, 'mhc1.positive', m.positive, `${m.positive} / ${m.fibres}`);
  row(dl, 'mhc1.pattern', m.pattern);
  box.append(dl);
}

function cd163(box, c) {
  box.append(heading(4, 'CD163+ macrophages'));
  const dl = scoreList();
  row(dl, 'cd163.positiveCellsPerMm2', c.positiveCellsPerMm2);
  addRow(dl, 'cd163.positiveCells', 'CD163+ cells', c.positiveCells);
  row(dl, 'cd163.pctPositiveArea', c.pctPositiveArea);
  box.append(dl);
  if (c.byLocation) {
    box.append(
      locationTable('cd163.byLocation', c.byLocation, [
        { key: 'cellsPerMm2', header: '/mm²' },
        { key: 'cells', header: 'cells' },
      ]),
    );
  }
}

function infiltrates(box, f) {
  box.append(heading(4, 'Infiltrates'));
  const dl = scoreList();
  row(dl, 'infiltrates.cellsPerMm2', f.cellsPerMm2);
  addRow(dl, 'infiltrates.cells', 'Cells', f.cells);
  addRow(dl, 'infiltrates.clusters', `Clusters (≥${f.options.minClusterCells} cells within ${f.options.linkUm} µm)`, f.clusters.length);
  box.append(dl);
  box.append(
    locationTable('infiltrates.byLocation', f.byLocation, [
      { key: 'cellsPerMm2', header: '/mm²' },
      { key: 'peakCellsPerHpf', header: 'peak/HPF' },
      { key: 'clusters', header: 'clusters' },
      // the juvenile DM score tool's grade per location, with its words
      { key: 'grade', header: 'grade', show: (l) => `${l.grade} ${l.gradeLabel}` },
    ]),
  );
  if (f.clusters.length > 0) {
    const ul = Object.assign(document.createElement('ul'), { className: 'clusters' });
    for (const c of f.clusters) {
      const li = document.createElement('li');
      li.dataset.clusterId = String(c.id);
      li.textContent = `${c.size} cells, ${c.location}, at ${Math.round(c.x)}, ${Math.round(c.y)} µm`;
      ul.append(li);
    }
    box.append(ul);
  }
}

function il1(box, i) {
  box.append(heading(4, 'IL-1'));
  const dl = scoreList();
  const by = i.expressedBy.length ? ` (by ${i.expressedBy.join(' and ')})` : '';
  row(dl, 'il1.expressed', i.expressed, `${i.expressed ? 'yes' : 'no'}${by}`);
  addRow(dl, 'il1.pctPositiveArea', '% positive area', i.pctPositiveArea);
  addRow(dl, 'il1.positiveCellsPerMm2', 'Positive cells / mm²', i.positiveCellsPerMm2);
  addRow(dl, 'il1.pixelHScore', 'Pixel H-score (0–300)', i.pixelHScore);
  box.append(dl);
  const hint = Object.assign(document.createElement('p'), { className: 'hint' });
  hint.textContent = `expressed: ≥ ${formatNumber(i.thresholds.minPctPositiveArea)}% positive area or ≥ ${formatNumber(i.thresholds.minPositiveCellsPerMm2)} positive cells / mm²`;
  box.append(hint);
}

/** Appends the marker's own scores to `section`; nothing when the slide has none. `fields`: the score fields table. */
export function renderMarkerScores(section, ms, fields = []) {
  if (!ms) return;
  known = fieldsByPath(fields);
  const box = Object.assign(document.createElement('div'), { className: 'marker-scores' });
  box.dataset.marker = ms.marker;
  box.append(heading(3, `${ms.marker} scores`));
  if (ms.mhc1) mhc1(box, ms.mhc1);
  if (ms.cd163) cd163(box, ms.cd163);
  if (ms.infiltrates) infiltrates(box, ms.infiltrates);
  if (ms.il1) il1(box, ms.il1);
  for (const s of ms.skipped ?? []) {
    const p = Object.assign(document.createElement('p'), { className: 'hint skipped' });
    p.dataset.scorer = s.scorer;
    p.textContent = `${s.scorer} not scored: ${s.reason}`;
    box.append(p);
  }
  section.append(box);
}
