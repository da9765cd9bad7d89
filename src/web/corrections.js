// Corrections of the open analysis (POST/GET /analyses/:id/corrections): pick a cell or fibre with
// the Correct tool, then reclassify the cell (buttons, or keys 0–3), delete it (button or Delete),
// flip a fibre's MHC-I call, or revert the mark; the Add cell tool adds a missed cell where it is
// clicked. Every correction is stored by the server over the algorithm's output; its answer carries
// the re-computed scores and the review state, and the corrections in effect are read again.

import { ApiError } from './http.js';
import { describeMark, markAt } from './overlay.js';
import { markOf } from './corrected-overlay.js';
import { getCorrections, postCorrection } from './review-api.js';

export const GRADE_NAMES = ['negative', '1+', '2+', '3+'];

const button = (text, data) => {
  const b = Object.assign(document.createElement('button'), { type: 'button', textContent: text });
  Object.assign(b.dataset, data);
  return b;
};

/**
 * `overlay()`: the corrected overlay drawn now; `map()`: level-0 → element map; `onEffects(inEffect)`:
 * the corrections in effect (rebuild the overlay); `onReview(json)`: a correction's answer (review
 * state and live scores); `onMessage(text, kind)`; `onChange()`: the selection changed (redraw).
 */
export function createCorrections({ token, canEdit, overlay, map, onEffects, onReview, onMessage, onChange }) {
  let analysisId = null;
  let selected = null; // { target, kind, index }
  let busy = false;
  let frozen = false;
  const count = Object.assign(document.createElement('p'), { className: 'corrections-count' });
  const bar = Object.assign(document.createElement('div'), { className: 'correction-bar', hidden: true });
  const element = Object.assign(document.createElement('div'), { className: 'corrections' });
  element.append(count, bar);

  function renderBar() {
    const o = overlay();
    const mark = selected && o ? markOf(o, selected.target) : null;
    if (selected && mark) Object.assign(selected, mark);
    else selected = null;
    bar.hidden = !selected;
    bar.replaceChildren();
    if (!selected) {
      delete bar.dataset.target;
      return;
    }
    bar.dataset.target = selected.target;
    bar.append(Object.assign(document.createElement('span'), { textContent: `${selected.target}: ${describeMark(o, selected)}` }));
    if (!canEdit) return;
    if (selected.kind === 'cell') {
      GRADE_NAMES.forEach((g, i) => bar.append(button(g, { grade: String(i) })));
      bar.append(button('Delete', { action: 'delete' }));
    } else {
      bar.append(button('MHC-I positive', { mhc1: 'true' }), button('MHC-I negative', { mhc1: 'false' }));
    }
    bar.append(button('Revert', { action: 'revert' }));
    for (const b of bar.querySelectorAll('button')) b.disabled = busy || frozen;
  }

  bar.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b || !selected) return;
    const target = selected.target;
    if (b.dataset.grade !== undefined) send({ kind: 'reclassify', target, grade: Number(b.dataset.grade) });
    else if (b.dataset.mhc1 !== undefined) send({ kind: 'fibre', target, mhc1Positive: b.dataset.mhc1 === 'true' });
    else if (b.dataset.action) send({ kind: b.dataset.action, target });
  });

  document.addEventListener('keydown', (e) => {
    if (!canEdit || frozen || !selected || selected.kind !== 'cell' || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.target instanceof HTMLElement && ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.target.tagName) && !['checkbox', 'radio'].includes(e.target.type)) return;
    if (/^[0-3]$/.test(e.key)) send({ kind: 'reclassify', target: selected.target, grade: Number(e.key) });
    else if (e.key === 'Delete') send({ kind: 'delete', target: selected.target });
    else return;
    e.preventDefault();
  });

  async function load(id) {
    const json = await getCorrections(token, id);
    if (id !== analysisId) return;
    count.textContent = `${json.inEffect.length} correction${json.inEffect.length === 1 ? '' : 's'} in effect (${json.corrections.length} made).`;
    element.dataset.count = String(json.inEffect.length);
    onEffects(json.inEffect);
    renderBar();
    onChange();
  }

  async function send(input) {
    if (busy || frozen || analysisId === null) return;
    const id = analysisId;
    busy = true;
    renderBar();
    element.dataset.saving = 'true';
    try {
      const json = await postCorrection(token, id, input);
      if (id !== analysisId) return;
      if (input.kind === 'delete') selected = null;
      onReview(json);
      await load(id);
      onMessage(`Saved correction ${json.correction.seq} (${input.kind} ${json.correction.target}): ${json.scores.scores.cells ?? '–'} cells scored.`, 'ok');
    } catch (err) {
      if (id === analysisId) onMessage(`Not saved: ${err instanceof ApiError ? err.detail : err.message}`, 'error');
    } finally {
      busy = false;
      element.dataset.saving = 'false';
      if (id === analysisId) renderBar();
    }
  }

  return {
    element,
    /** Reads the analysis's corrections (after its overlay is loaded). */
    async open(id) {
      analysisId = id;
      selected = null;
      renderBar();
      await load(id);
    },
    /** The Correct tool: selects the mark at level-0 point (x, y), or nothing. */
    pick([x, y]) {
      const o = overlay();
      const m = map();
      const mark = o && m ? markAt(o, x, y, 4 / m.sx) : null;
      selected = mark ? { ...mark, target: mark.kind === 'cell' ? o.cells.target[mark.index] : o.fibres[mark.index].target } : null;
      renderBar();
      onChange();
    },
    /** The Add cell tool: a missed cell of `grade` at level-0 point (x, y). */
    add([x, y], grade) {
      return send({ kind: 'add', x, y, grade });
    },
    /** Drops the selection (another tool was chosen: its keys are no longer corrections). */
    clear() {
      if (!selected) return;
      selected = null;
      renderBar();
      onChange();
    },
    /** A signed-off review takes no corrections until reopened. */
    setFrozen(value) {
      frozen = value;
      renderBar();
    },
    get selected() {
      return selected;
    },
  };
}
