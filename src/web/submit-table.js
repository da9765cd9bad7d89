// The metadata table: one row per slide (uploaded or picked on the server), its metadata cells
// checked as they are typed by the server's own schema (POST /metadata/check: the pseudonym rule,
// canonical marker and timepoint names), each problem shown under its cell; then the row's upload
// progress and, once submitted, its analysis progress, error and links, in the same row.

import { request } from './http.js';

export const FIELDS = ['patient', 'timepoint', 'marker', 'mpp'];
const PLACEHOLDER = { patient: 'P07', timepoint: 'baseline', marker: 'CD163', mpp: 'from the file' };
const CHECK_DELAY_MS = 150;

const el = (tag, props = {}, ...children) => {
  const n = Object.assign(document.createElement(tag), props);
  n.append(...children);
  return n;
};

export function formatBytes(n) {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/**
 * `tbody`: where rows go; `onChange()`: after any edit, check or removal (the page re-decides
 * whether it may submit). Slides: { key, name, kind: 'upload' | 'server', size, files?, path?,
 * inputs: { patient, timepoint, marker, mpp }, check: null | { issues, metadata, markerKnown } }.
 */
export function createTable({ tbody, token, onChange }) {
  const slides = [];
  let locked = false;
  let sequence = 0;
  let timer = null;
  let pending = false;

  async function check() {
    const mine = ++sequence;
    const rows = slides.map((s) => ({ ...s.inputs, ...(s.kind === 'server' ? { file: s.path } : {}) }));
    try {
      const { slides: checked } = await request(token, '/metadata/check', { method: 'POST', body: { slides: rows } });
      if (mine !== sequence) return; // typed on meanwhile: a newer check is coming
      checked.forEach((c, i) => {
        slides[i].check = c;
        showCheck(slides[i]);
      });
      pending = false;
    } catch (err) {
      if (mine !== sequence) return;
      pending = false;
      for (const s of slides) s.check = { issues: [{ field: 'patient', message: `could not be checked: ${err.detail ?? err.message}` }], metadata: {}, markerKnown: null };
      slides.forEach(showCheck);
    }
    onChange();
  }

  function scheduleCheck() {
    pending = true;
    clearTimeout(timer);
    timer = setTimeout(check, CHECK_DELAY_MS);
    onChange();
  }

  /** The row's problems: the server's check of its cells, and a pixel size the file does not state and nobody gave. */
  function issuesOf(s) {
    const issues = [...(s.check?.issues ?? [])];
    if (s.probe?.mpp === null && s.check?.metadata.mpp === undefined && !issues.some((i) => i.field === 'mpp')) {
      issues.push({ field: 'mpp', message: 'the file states no pixel size: give µm/px' });
    }
    return issues;
  }

  function showCheck(s) {
    if (!s.check) {
      if (s.probe?.problem) s.cells.file.error.textContent = `cannot be read: ${s.probe.problem}`;
      return;
    }
    const { metadata, markerKnown } = s.check;
    const issues = issuesOf(s);
    for (const field of [...FIELDS, 'file']) {
      const mine = issues.filter((i) => i.field === field);
      const out = s.cells[field]?.error;
      if (!out) continue;
      const messages = mine.map((i) => i.message);
      // a slide the server cannot read: not a refusal (the analysis decides, and says the same in the batch), a warning
      if (field === 'file' && s.probe?.problem && !messages.includes(s.probe.problem)) messages.push(`cannot be read: ${s.probe.problem}`);
      out.textContent = messages.join('; ');
      s.cells[field].input?.setAttribute('aria-invalid', String(mine.length > 0));
    }
    // the canonical name where the typed one differs: "M6" is stored as month-6
    for (const field of ['timepoint', 'marker']) {
      const typed = s.inputs[field].trim();
      const stored = metadata[field];
      let hint = stored !== undefined && stored !== typed ? `→ ${stored}` : '';
      if (field === 'marker' && markerKnown === false) hint = `${hint ? `${hint} · ` : ''}not a registry marker: generic cell analysis`;
      s.cells[field].hint.textContent = hint;
    }
    s.row.dataset.valid = String(issues.length === 0);
  }

  /** What the server found the slide to be (POST /slides/probe): format and µm/px, or why it cannot be read. */
  function showProbe(s) {
    const p = s.probe;
    const what = p.problem ? '' : `${p.format} · ${p.width}×${p.height} px · ${p.mpp === null ? 'no µm/px in the file' : `${p.mpp.toPrecision(3)} µm/px`}`;
    s.probeText.textContent = what;
    s.cells.mpp.input.placeholder = p.mpp === null ? 'needed' : p.problem ? '' : 'from the file';
    showCheck(s);
  }

  function cell(s, field) {
    const input = el('input', { name: field, placeholder: PLACEHOLDER[field], value: s.inputs[field], autocomplete: 'off', spellcheck: false });
    if (field === 'timepoint') input.setAttribute('list', 'timepoints');
    if (field === 'marker') input.setAttribute('list', 'markers');
    if (field === 'mpp') input.inputMode = 'decimal';
    input.setAttribute('aria-label', `${field} of ${s.name}`);
    input.addEventListener('input', () => {
      s.inputs[field] = input.value;
      scheduleCheck();
    });
    const error = el('div', { className: 'field-error', role: 'alert' });
    const hint = el('div', { className: 'hint' });
    s.cells[field] = { input, error, hint };
    return el('td', { className: `field ${field}` }, input, error, hint);
  }

  function addRow(s) {
    s.cells = {};
    s.inputs = { patient: '', timepoint: '', marker: '', mpp: '', ...s.inputs };
    const remove = el('button', { type: 'button', className: 'remove', title: 'remove this slide', textContent: '✕' });
    remove.addEventListener('click', () => {
      if (locked) return;
      slides.splice(slides.indexOf(s), 1);
      s.row.remove();
      s.onRemove?.();
      scheduleCheck();
    });
    const fileError = el('div', { className: 'field-error', role: 'alert' });
    s.cells.file = { error: fileError };
    const what = s.kind === 'server' ? 'on the server' : s.files.length > 1 ? `${s.files.length} files` : '';
    s.progress = el('progress', { max: 1, value: 0 });
    s.stateText = el('span', { className: 'state' });
    s.errorText = el('div', { className: 'error', role: 'alert' });
    s.links = el('td', { className: 'links' });
    s.row = el(
      'tr',
      {},
      el('td', { className: 'name' }, el('span', { className: 'slide-name', textContent: s.name }), el('span', { className: 'meta', textContent: ` ${[what, formatBytes(s.size)].filter(Boolean).join(' · ')}` }), (s.probeText = el('div', { className: 'meta probe' })), fileError),
      ...FIELDS.map((f) => cell(s, f)),
      el('td', { className: 'progress' }, s.progress, s.stateText, s.errorText),
      s.links,
      el('td', {}, remove),
    );
    s.row.dataset.key = s.key;
    s.row.dataset.name = s.name;
    tbody.append(s.row);
    slides.push(s);
    scheduleCheck();
  }

  return {
    slides,
    addRow,
    /** fills the cells of a slide from a manifest row (as if typed) */
    fill(s, values) {
      for (const f of FIELDS) {
        if (values[f] === undefined) continue;
        s.inputs[f] = String(values[f]);
        s.cells[f].input.value = s.inputs[f];
      }
      scheduleCheck();
    },
    noteProbe(s, probe) {
      s.probe = probe;
      if (slides.includes(s)) showProbe(s);
      onChange();
    },
    /** every row checked, none with a problem, and no check on its way */
    valid: () => !pending && slides.length > 0 && slides.every((s) => s.check && issuesOf(s).length === 0),
    checking: () => pending,
    lock() {
      locked = true;
      for (const s of slides) {
        for (const f of FIELDS) s.cells[f].input.disabled = true;
        s.row.querySelector('button.remove').hidden = true;
      }
    },
  };
}
