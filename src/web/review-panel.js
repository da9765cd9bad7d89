// The review panel of an open analysis: its saved regions and exclusions (GET /analyses/:id/regions),
// and for a pathologist or admin the tools to draw and delete them. Every edit is saved at once as
// the next version (PUT with the version it was made on), and the scores the server re-computed
// inside the regions go to the score panel; the server's refusals are said in words.

import { ApiError } from './http.js';
import { createDrawTool, polygonArea } from './draw-tools.js';
import { getRegions, putRegions, REVIEWER_ROLES } from './review-api.js';
import { createReviewState } from './review-state.js';
import { createCorrections, GRADE_NAMES } from './corrections.js';

const el = (tag, props = {}, ...children) => {
  const n = Object.assign(document.createElement(tag), props);
  n.append(...children);
  return n;
};

/** Why a save was refused, for the person who drew it: `base` the version the edit was made on, `latest` the one that came first. */
export function refusal(err, role, base, latest) {
  // a 409 is a stale edit when another version came first; otherwise the review's state refused it (signed off)
  if (err instanceof ApiError && err.status === 409 && latest !== base) {
    return `Not saved: someone else saved version ${latest ?? '?'} of these regions after you loaded version ${base}. Their regions are shown now; make your change again.`;
  }
  if (err instanceof ApiError && err.status === 403) return `Not saved: a ${role} token may not edit regions (a pathologist or admin token may). ${err.detail}`;
  return `Not saved: ${err instanceof ApiError ? err.detail : err.message}`;
}

/**
 * `section`: where the panel goes; `layer`: the drawing layer over the viewer; `map()`: the current
 * level-0 → element map; `onChange()`: regions or draft changed (redraw); `onScores(json)`: the
 * regions answer whose `scores` are the scores inside them; `onReview(json)`: the review state answer;
 * `overlay()`: the corrected overlay drawn now; `onEffects(inEffect)`: the corrections in effect.
 */
export function createReviewPanel({ section, layer, token, role, map, overlay, onChange, onScores, onReview, onEffects }) {
  const canEdit = REVIEWER_ROLES.includes(role);
  const st = { analysisId: null, slideMpp: 1, version: 0, regions: [], draft: [], selected: -1, kind: 'exclusion', saving: false };

  const draw = createDrawTool(layer, {
    map,
    onDraft: (points) => {
      st.draft = points;
      onChange();
    },
    onClose: (outline) => save([...st.regions, { kind: st.kind, polygon: outline }], { draft: outline }),
    onPoint: (tool, point) => (tool === 'add' ? corrections.add(point, Number(addGrade.value)) : corrections.pick(point)),
  });
  const addGrade = el('select', { className: 'add-grade', title: 'grade of an added cell' });
  GRADE_NAMES.forEach((g, i) => addGrade.append(el('option', { value: String(i), textContent: g })));

  const versionLine = el('p', { className: 'version' });
  const list = el('ol', { className: 'regions' });
  const message = el('p', { className: 'message', role: 'alert' });
  const tools = el('div', { className: 'tools' });
  const hintLine = el('p', { className: 'hint' });
  const review = createReviewState({
    token,
    canEdit,
    onReview: (json) => {
      render();
      // the live scores: the latest regions and every correction
      onScores({ analysisId: json.analysisId, version: st.version, regions: st.regions, scores: json.scores });
      onReview(json);
    },
    onMessage: (text, kind) => setMessage(text, kind),
  });
  const corrections = createCorrections({
    token,
    canEdit,
    overlay,
    map,
    onEffects,
    onReview: (json) => review.show(json),
    onMessage: (text, kind) => setMessage(text, kind),
    onChange,
  });

  function setMessage(text, kind = 'error') {
    message.textContent = text;
    message.dataset.kind = text ? kind : '';
  }

  function setTool(tool) {
    draw.setTool(tool);
    if (tool !== 'correct') corrections.clear();
    for (const b of tools.querySelectorAll('button[data-tool]')) b.setAttribute('aria-pressed', String(b.dataset.tool === (tool ?? '')));
  }

  if (canEdit) {
    const kinds = el('span', { className: 'kinds' });
    for (const kind of ['exclusion', 'region']) {
      const input = el('input', { type: 'radio', name: 'region-kind', value: kind, checked: kind === st.kind });
      input.addEventListener('change', () => (st.kind = kind));
      kinds.append(el('label', {}, input, ` ${kind}`));
    }
    tools.append(kinds);
    for (const [tool, text] of [['polygon', 'Polygon'], ['freehand', 'Freehand'], ['correct', 'Correct'], ['add', 'Add cell'], ['', 'Pan']]) {
      const b = el('button', { type: 'button', textContent: text });
      b.dataset.tool = tool;
      b.addEventListener('click', () => setTool(tool || null));
      tools.append(b);
      if (tool === 'add') tools.append(addGrade);
    }
  }
  const hint = canEdit
    ? 'Polygon: click the vertices, double-click or Enter to close (Backspace drops a vertex, Esc cancels). Freehand: drag round the area. Correct: click a cell (then 0–3 or Delete) or a fibre. Add cell: click where it is missed. Each edit is saved at once.'
    : `Read-only: a ${role} token sees the regions; a pathologist or admin token draws them.`;
  section.replaceChildren(el('h3', { textContent: 'Review: regions and exclusions' }), review.element, versionLine, ...(canEdit ? [tools] : []), hintLine, list, corrections.element, message);
  section.dataset.canEdit = String(canEdit);
  setTool(null);

  function render() {
    section.dataset.analysisId = String(st.analysisId ?? '');
    section.dataset.version = String(st.version);
    section.dataset.saving = String(st.saving);
    versionLine.textContent = st.version === 0 ? 'No regions saved: the whole slide is scored.' : `Version ${st.version} · ${st.author} · ${new Date(st.createdAt).toLocaleString()}`;
    list.replaceChildren();
    st.regions.forEach((r, i) => {
      const mm2 = (polygonArea(r.polygon) * st.slideMpp * st.slideMpp) / 1e6;
      const li = el('li', {}, el('span', { className: `kind ${r.kind}`, textContent: r.kind }), ` ${r.name ? `${r.name} · ` : ''}${mm2.toFixed(4)} mm² · ${r.polygon.length} vertices`);
      li.dataset.kind = r.kind;
      li.dataset.index = String(i);
      li.setAttribute('aria-selected', String(i === st.selected));
      li.addEventListener('click', () => {
        st.selected = st.selected === i ? -1 : i;
        render();
        onChange();
      });
      if (canEdit) {
        const del = el('button', { type: 'button', className: 'delete', textContent: 'Delete' });
        del.addEventListener('click', (e) => {
          e.stopPropagation();
          save(st.regions.filter((_, j) => j !== i));
        });
        li.append(' ', del);
      }
      list.append(li);
    });
    // a signed-off review takes no edits until it is reopened (the server refuses them too)
    const frozen = review.review?.state === 'signed_off';
    if (frozen && draw.tool) setTool(null);
    hintLine.textContent = frozen && canEdit ? 'Signed off: reopen the review to edit its regions.' : hint;
    for (const b of [...tools.querySelectorAll('button, input, select'), ...list.querySelectorAll('button')]) b.disabled = st.saving || frozen;
    corrections.setFrozen(frozen);
  }

  function take(json) {
    Object.assign(st, { version: json.version, author: json.author, createdAt: json.createdAt, regions: json.regions, slideMpp: json.scores.slideMppUm, selected: -1 });
    render();
    onChange();
    onScores(json);
  }

  async function save(regions, { draft = [] } = {}) {
    if (st.saving || st.analysisId === null) return;
    const id = st.analysisId;
    const base = st.version;
    Object.assign(st, { saving: true, draft });
    setMessage('');
    render();
    onChange();
    try {
      const json = await putRegions(token, id, regions, base);
      if (st.analysisId !== id) return; // another slide was opened meanwhile
      take(json);
      // an analysis's first edit starts its review
      if (review.review?.state === 'analysed') await review.load(id);
      setMessage(`Saved version ${json.version}: ${json.scores.scores.cells ?? '–'} cells scored.`, 'ok');
    } catch (err) {
      if (st.analysisId !== id) return;
      let latest;
      if (err instanceof ApiError && err.status === 409) {
        try {
          const [json] = await Promise.all([getRegions(token, id), review.load(id)]);
          latest = json.version;
          take(json);
        } catch {
          // the refusal below still says why the edit was not kept
        }
      }
      setMessage(refusal(err, role, base, latest));
    } finally {
      if (st.analysisId === id) {
        Object.assign(st, { saving: false, draft: [] });
        render();
        onChange();
      }
    }
  }

  return {
    /** Shows the analysis's latest regions and hands their scores to onScores. */
    async open(analysisId) {
      Object.assign(st, { analysisId, version: 0, regions: [], draft: [], selected: -1, saving: false });
      setTool(null);
      setMessage('');
      render();
      onChange();
      const [json] = await Promise.all([getRegions(token, analysisId), review.load(analysisId), corrections.open(analysisId)]);
      if (st.analysisId === analysisId) take(json);
    },
    get regions() {
      return st.regions;
    },
    get draft() {
      return st.draft;
    },
    get selected() {
      return st.selected;
    },
    /** the mark picked with the Correct tool ({ kind, index, target }), or null */
    get selection() {
      return corrections.selected;
    },
    get drawing() {
      return draw.tool !== null;
    },
  };
}
