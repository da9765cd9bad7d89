// The slide viewer: plain ES module, no bundler. OpenSeadragon is loaded by index.html as a classic
// script (served from node_modules by the API). Every data request carries the API token as a
// bearer header; tiles too (OpenSeadragon loadTilesWithAjax + ajaxHeaders).

import { readToken, request } from './http.js';
import { renderMarkerScores } from './marker-panel.js';
import { CELL_COLOUR, describeMark, drawOverlay, FIBRE_COLOUR, fibreKey, LOCATION_COLOUR, LOCATIONS, locationCounts, markAt, prepareOverlay, QC_COLOUR, qcCounts } from './overlay.js';
import { correctedOverlay, drawSelection } from './corrected-overlay.js';
import { drawRegions } from './regions-layer.js';
import { whoAmI } from './review-api.js';
import { createReviewPanel } from './review-panel.js';
import { createReviewQueue } from './review-queue.js';
import { addRow, fieldValue, formatField, formatNumber, scoreList } from './score-rows.js';

const OSD = globalThis.OpenSeadragon;
const $ = (sel) => document.querySelector(sel);

// `fields`: the score fields table (GET /score-fields): which scores to show, their labels and decimals
// `role`: the token's (GET /tokens/me); `review`: the review panel (regions, drawing); `queue`: the review queue;
// `baseOverlay`: the algorithm's detections as the overlay route gave them, `overlay` them with the corrections
const state = { token: '', role: null, fields: [], tree: null, current: null, baseOverlay: null, overlay: null, viewer: null, canvas: null, map: null, metric: 'cellsPerMm2', colourBy: 'grade', review: null, queue: null };

function setStatus(text, error = false) {
  const s = $('#status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

/** `#analysis=<id>` (or `#review=<id>`): the analysis to open once the slides are listed (links from the submission page). */
function readTarget() {
  const m = /(?:^#|&)(?:analysis|review)=(\d+)/.exec(location.hash);
  return m ? Number(m[1]) : null;
}

const api = (path, as = 'json') => request(state.token, path, { as });

const label = (v, none) => (v === null || v === undefined ? none : v);

function renderTree(tree) {
  const root = $('#tree');
  root.replaceChildren();
  if (tree.patients.length === 0) {
    root.append(Object.assign(document.createElement('p'), { className: 'hint', textContent: 'No analysed slides yet.' }));
    return;
  }
  const ul = document.createElement('ul');
  for (const p of tree.patients) {
    const pli = Object.assign(document.createElement('li'), { className: 'patient' });
    pli.append(label(p.patient, 'unknown patient'));
    const tul = document.createElement('ul');
    for (const t of p.timepoints) {
      const tli = Object.assign(document.createElement('li'), { className: 'timepoint' });
      tli.append(label(t.timepoint, 'unknown timepoint'));
      const sul = document.createElement('ul');
      for (const s of t.slides) {
        const b = document.createElement('button');
        b.type = 'button';
        b.dataset.slideId = String(s.slideId);
        b.append(s.name);
        if (s.marker) b.append(Object.assign(document.createElement('span'), { className: 'marker', textContent: s.marker }));
        b.addEventListener('click', () => openSlide({ slide: s, patient: p.patient, timepoint: t.timepoint }));
        const sli = document.createElement('li');
        sli.append(b);
        sul.append(sli);
      }
      tli.append(sul);
      tul.append(tli);
    }
    pli.append(tul);
    ul.append(pli);
  }
  root.append(ul);
}

/** DZI XML → OpenSeadragon's inline DZI form, so the tiles come from our tile route. */
function tileSourceOf(xml, slideId) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const image = doc.querySelector('Image');
  const size = doc.querySelector('Size');
  if (!image || !size) throw new Error(`slide ${slideId}: the Deep Zoom descriptor is not valid`);
  return {
    Image: {
      xmlns: 'http://schemas.microsoft.com/deepzoom/2008',
      Url: `/slides/${slideId}/tiles/`,
      Format: image.getAttribute('Format'),
      Overlap: image.getAttribute('Overlap'),
      TileSize: image.getAttribute('TileSize'),
      Size: { Width: size.getAttribute('Width'), Height: size.getAttribute('Height') },
    },
  };
}

function ensureViewer() {
  if (state.viewer) return state.viewer;
  const el = $('#osd');
  el.dataset.tilesLoaded = '0';
  const viewer = OSD({
    element: el,
    prefixUrl: '/viewer/images/',
    loadTilesWithAjax: true,
    ajaxHeaders: { Authorization: `Bearer ${state.token}` },
    // a 2D canvas draws the same with or without a GPU
    drawer: 'canvas',
    showNavigator: true,
    navigatorPosition: 'BOTTOM_RIGHT',
    maxZoomPixelRatio: 2,
    visibilityRatio: 0.5,
    gestureSettingsMouse: { clickToZoom: false },
  });
  const canvas = document.createElement('canvas');
  canvas.id = 'overlay';
  const tip = Object.assign(document.createElement('div'), { id: 'tip', role: 'tooltip', hidden: true });
  // takes the pointer only while a drawing tool is chosen (src/web/draw-tools.js)
  const layer = Object.assign(document.createElement('div'), { id: 'draw-layer', hidden: true });
  el.append(canvas, layer, tip);
  // the wheel still zooms round the pointer while a tool holds the pointer
  layer.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = layer.getBoundingClientRect();
    const at = viewer.viewport.pointFromPixel(new OSD.Point(e.clientX - r.left, e.clientY - r.top));
    viewer.viewport.zoomBy(e.deltaY < 0 ? 1.2 : 1 / 1.2, at);
    viewer.viewport.applyConstraints();
  }, { passive: false });
  state.canvas = canvas;
  const redraw = () => redrawOverlay();
  state.review = createReviewPanel({
    section: $('#review'),
    layer,
    token: state.token,
    role: state.role,
    map: () => state.map,
    overlay: () => state.overlay,
    onEffects: (inEffect) => {
      state.overlay = prepareOverlay(correctedOverlay(state.baseOverlay, inEffect));
      renderLegend();
      redraw();
    },
    onChange: redraw,
    onScores: showRegionScores,
    onReview: (json) => state.queue?.noteReview(json.analysisId, json.state, json.version),
  });
  // a tracker of our own: hovering names the mark under the pointer without taking OpenSeadragon's drag and zoom
  new OSD.MouseTracker({
    element: viewer.container,
    moveHandler: (e) => showTip(e.position.x, e.position.y),
    leaveHandler: () => (tip.hidden = true),
  }).setTracking(true);
  viewer.addHandler('update-viewport', redraw);
  viewer.addHandler('resize', redraw);
  viewer.addHandler('open', redraw);
  viewer.addHandler('tile-loaded', () => {
    el.dataset.tilesLoaded = String(Number(el.dataset.tilesLoaded) + 1);
  });
  viewer.addHandler('tile-load-failed', (e) => setStatus(`a tile failed to load: ${e.message ?? 'unknown error'}`, true));
  viewer.addHandler('fully-loaded-change', (e) => {
    el.dataset.fullyLoaded = String(e.fullyLoaded);
  });
  viewer.addHandler('open-failed', (e) => setStatus(`cannot open the slide: ${e.message}`, true));
  for (const box of ['#show-overlay', '#show-qc', '#show-regions']) $(box).addEventListener('change', redraw);
  $('#colour-by').addEventListener('change', (e) => {
    state.colourBy = e.target.value;
    renderLegend();
    redraw();
  });
  state.viewer = viewer;
  return viewer;
}

/** Cells and fibres on a canvas over the viewer (src/web/overlay.js), redrawn on every viewport change. */
function redrawOverlay() {
  const { viewer, canvas, overlay } = state;
  if (!viewer || !canvas) return;
  const el = $('#osd');
  const dpr = globalThis.devicePixelRatio || 1;
  const w = el.clientWidth;
  const h = el.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, h);
  const item = viewer.world.getItemAt(0);
  state.map = null;
  let counts = { drawn: 0, positive: 0, negative: 0, endomysial: 0, perimysial: 0, perivascular: 0, fibres: 0, fibresPositive: 0, fibresNegative: 0, fibresOutlined: 0, qcBlocks: 0, corrected: 0, regions: 0, exclusions: 0 };
  if (item && overlay) {
    const o = item.imageToViewerElementCoordinates(new OSD.Point(0, 0));
    const e = item.imageToViewerElementCoordinates(new OSD.Point(1000, 1000));
    state.map = { ox: o.x, oy: o.y, sx: (e.x - o.x) / 1000, sy: (e.y - o.y) / 1000 };
    if ($('#show-overlay').checked) counts = { ...counts, ...drawOverlay(ctx, overlay, state.map, w, h, state.colourBy, { qc: $('#show-qc').checked }) };
    const review = state.review;
    if (review && $('#show-regions').checked) Object.assign(counts, drawRegions(ctx, review.regions, review.draft, state.map, review.selected));
    if (review?.selection) drawSelection(ctx, overlay, review.selection, state.map);
  }
  // what the last frame drew and where, for tests and for anyone checking the overlay against the counts
  Object.assign(canvas.dataset, {
    cells: String(overlay ? overlay.count : 0),
    ...Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, String(v)])),
    colourBy: state.colourBy,
    map: state.map ? JSON.stringify(state.map) : '',
  });
}

/** Tooltip for the mark under element point (x, y). */
function showTip(x, y) {
  const tip = $('#tip');
  const { overlay, map } = state;
  if (!tip) return;
  if (!overlay || !map || !$('#show-overlay').checked) {
    tip.hidden = true;
    return;
  }
  // a few screen pixels of slack so small cells can be hovered when zoomed out
  const mark = markAt(overlay, (x - map.ox) / map.sx, (y - map.oy) / map.sy, 4 / map.sx);
  if (!mark) {
    tip.hidden = true;
    return;
  }
  tip.textContent = describeMark(overlay, mark);
  tip.dataset.kind = mark.kind;
  tip.dataset.index = String(mark.index);
  tip.style.left = `${x + 12}px`;
  tip.style.top = `${y + 12}px`;
  tip.hidden = false;
}

function legendKey(key, colour, text, count) {
  const span = Object.assign(document.createElement('span'), { className: 'entry' });
  span.dataset.key = key;
  const swatch = Object.assign(document.createElement('span'), { className: key.startsWith('fibre') ? 'key fibre' : 'key' });
  swatch.style.borderColor = colour;
  span.append(swatch, count === undefined ? text : `${text} (${count})`);
  if (count !== undefined) span.dataset.count = String(count);
  return span;
}

/** Legend of what the overlay draws now: cells by grade or by location, fibres by MHC-I status, with counts. */
function renderLegend() {
  const keys = $('#legend-keys');
  keys.replaceChildren();
  const overlay = state.overlay;
  const located = overlay ? locationCounts(overlay) : null;
  const select = $('#colour-by');
  select.querySelector('option[value="location"]').disabled = !located;
  if (!located && state.colourBy === 'location') state.colourBy = select.value = 'grade';
  if (state.colourBy === 'location' && located) {
    for (const l of LOCATIONS) keys.append(legendKey(`location-${l}`, LOCATION_COLOUR[l], `${l} cell`, located[l]));
  } else {
    keys.append(legendKey('cell-negative', CELL_COLOUR[0], 'negative cell'), legendKey('cell-positive', CELL_COLOUR[2], 'positive cell (1+ to 3+)'));
  }
  if (overlay?.fibres) {
    const by = { positive: 0, negative: 0, outline: 0 };
    for (const f of overlay.fibres) by[fibreKey(f)]++;
    // an MHC-I status only where the slide's marker is MHC-I; other slides' fibres are outlines
    if (by.positive + by.negative > 0) {
      keys.append(
        legendKey('fibre-positive', FIBRE_COLOUR.positive, 'MHC-I positive fibre', by.positive),
        legendKey('fibre-negative', FIBRE_COLOUR.negative, 'MHC-I negative fibre', by.negative),
      );
    }
    if (by.outline > 0) keys.append(legendKey('fibre-outline', FIBRE_COLOUR.outline, 'fibre', by.outline));
  }
  // quality control: the excluded blocks by cause (only the causes that flagged any)
  const qc = overlay ? qcCounts(overlay) : null;
  if (qc) for (const [cause, n] of Object.entries(qc)) if (n > 0) keys.append(legendKey(`qc-${cause}`, QC_COLOUR[cause], `excluded: ${cause}`, n));
}

/** Leaves of a nested score object as [dotted name, value], arrays of records as their names. */
function leaves(value, prefix, out = []) {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    if (value.length > 0) out.push([prefix, value.map((v) => (v && typeof v === 'object' ? Object.values(v).join(': ') : String(v))).join('; ')]);
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, value]);
  }
  return out;
}

/** Stored scores the fields table does not know (added to the store later), one section each. */
function addExtras(section, slide) {
  const known = new Set(state.fields.flatMap((f) => f.from).filter((p) => p.startsWith('scores.')).map((p) => p.slice('scores.'.length)));
  const groups = Object.entries(slide.scores).filter(([k]) => !known.has(k));
  for (const [key, value] of groups) {
    const rows = leaves(value, '');
    if (rows.length === 0) continue;
    const h3 = document.createElement('h3');
    h3.textContent = key;
    const dl = scoreList('scores extra');
    for (const [name, v] of rows) addRow(dl, name ? `${key}.${name}` : key, name || key, v);
    section.append(h3, dl);
  }
}

/** `regions`: the regions answer the scores come from (GET/PUT /analyses/:id/regions), or null for the stored ones. */
function renderScores({ slide, patient, timepoint }, regions = null) {
  const section = $('#scores');
  section.replaceChildren();
  section.dataset.slideId = String(slide.slideId);
  section.dataset.analysisId = String(slide.analysisId);
  section.dataset.regionsVersion = String(regions?.version ?? 0);
  const h2 = document.createElement('h2');
  h2.textContent = slide.name;
  const meta = Object.assign(document.createElement('p'), { className: 'hint' });
  meta.textContent = `${label(patient, 'unknown patient')} · ${label(timepoint, 'unknown timepoint')} · ${label(slide.marker, 'no marker')} · analysis ${slide.analysisId}`;
  section.append(h2, meta);
  const corrections = regions?.scores.corrections ?? 0;
  if (regions && (regions.version > 0 || corrections > 0)) {
    const n = (kind) => regions.regions.filter((r) => r.kind === kind).length;
    const plural = (k, word) => `${k} ${word}${k === 1 ? '' : 's'}`;
    const inside = n('region') > 0 ? `inside ${plural(n('region'), 'region')}` : 'on the whole slide';
    const without = n('exclusion') > 0 ? ` minus ${plural(n('exclusion'), 'exclusion')}` : '';
    const version = regions.version > 0 ? ` (regions version ${regions.version})` : '';
    const corrected = corrections > 0 ? ` with ${plural(corrections, 'correction')}` : '';
    section.append(Object.assign(document.createElement('p'), { className: 'within', textContent: `Scores ${inside}${without}${version}${corrected}, re-computed from the stored detections.` }));
  }
  if (!slide.scores) return; // a queue entry before its regions answer came
  const dl = scoreList();
  for (const f of state.fields.filter((x) => x.summary)) {
    const v = fieldValue(f, slide);
    if (v) addRow(dl, v.at, f.label, v.value, formatField(f, v.value));
  }
  section.append(dl);
  addExtras(section, slide);
  renderMarkerScores(section, slide.markerScores, state.fields);
}

/** A comparable score of a slide entry as a number (a yes/no call as 1/0), or undefined. */
function plotted(field, slide) {
  const v = fieldValue(field, slide)?.value;
  return typeof v === 'boolean' ? Number(v) : typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Bars of one score for every slide of the current slide's marker: patients side by side, a bar per timepoint. */
function renderCompare() {
  const section = $('#compare');
  section.replaceChildren();
  const cur = state.current;
  if (!cur || !state.tree) return;
  const h3 = document.createElement('h3');
  h3.textContent = `Compare ${cur.slide.marker ?? 'unlabelled'} slides`;
  const select = document.createElement('select');
  const comparable = state.fields.filter((f) => f.compare);
  for (const f of comparable) select.append(Object.assign(document.createElement('option'), { value: f.name, textContent: `${f.label} (${f.unit})`, selected: f.name === state.metric }));
  const metric = comparable.find((f) => f.name === state.metric);
  select.addEventListener('change', () => {
    state.metric = select.value;
    renderCompare();
  });

  const bars = [];
  const timepoints = [];
  for (const p of state.tree.patients) {
    for (const t of p.timepoints) {
      for (const s of t.slides) {
        const value = metric && plotted(metric, s);
        if (s.marker !== cur.slide.marker || value === undefined) continue;
        if (!timepoints.includes(t.timepoint)) timepoints.push(t.timepoint);
        bars.push({ patient: p.patient, timepoint: t.timepoint, slide: s, value });
      }
    }
  }
  const patients = [...new Set(bars.map((b) => b.patient))];
  const W = 280;
  const H = 180;
  const pad = { l: 36, r: 6, t: 8, b: 34 };
  const max = Math.max(...bars.map((b) => b.value), 0) || 1;
  const groupW = (W - pad.l - pad.r) / Math.max(1, patients.length);
  const barW = Math.max(2, (groupW - 6) / Math.max(1, timepoints.length));
  const shades = ['#2d3e50', '#8a5a2b', '#5b8f3a', '#7b3f8c', '#b0413e'];
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `${state.metric} by patient and timepoint`);
  const el = (name, attrs, text) => {
    const n = document.createElementNS(NS, name);
    for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
    if (text !== undefined) n.textContent = text;
    svg.append(n);
    return n;
  };
  el('line', { x1: pad.l, y1: H - pad.b, x2: W - pad.r, y2: H - pad.b, stroke: '#999' });
  el('text', { x: pad.l - 4, y: pad.t + 8, 'text-anchor': 'end', 'font-size': 9 }, formatNumber(max));
  el('text', { x: pad.l - 4, y: H - pad.b, 'text-anchor': 'end', 'font-size': 9 }, '0');
  patients.forEach((p, pi) => {
    const gx = pad.l + pi * groupW + 3;
    el('text', { x: gx + groupW / 2 - 3, y: H - pad.b + 12, 'text-anchor': 'middle', 'font-size': 9 }, label(p, '?'));
    for (const b of bars.filter((x) => x.patient === p)) {
      const ti = timepoints.indexOf(b.timepoint);
      const bh = ((H - pad.t - pad.b) * b.value) / max;
      const rect = el('rect', {
        x: gx + ti * barW,
        y: H - pad.b - bh,
        width: barW - 1,
        height: bh,
        fill: shades[ti % shades.length],
        stroke: b.slide.slideId === cur.slide.slideId ? '#e53935' : 'none',
        'stroke-width': 2,
        'data-slide-id': b.slide.slideId,
      });
      const title = document.createElementNS(NS, 'title');
      title.textContent = `${label(b.patient, '?')} ${label(b.timepoint, '?')} ${b.slide.name}: ${formatNumber(b.value)}`;
      rect.append(title);
    }
  });
  timepoints.forEach((t, ti) => {
    el('rect', { x: pad.l + ti * 70, y: H - 12, width: 8, height: 8, fill: shades[ti % shades.length] });
    el('text', { x: pad.l + ti * 70 + 11, y: H - 5, 'font-size': 9 }, label(t, '?'));
  });
  section.append(h3, select, svg);
}

/**
 * The open slide's scores from a regions or review answer: with regions saved or corrections made,
 * the re-computed ones; otherwise the stored ones where the slide tree gave them (a queue entry
 * has only the re-computed ones, the same numbers then).
 */
function showRegionScores(json) {
  state.queue?.noteVersion(json.analysisId, json.version);
  const entry = state.current;
  if (!entry || entry.slide.analysisId !== json.analysisId) return;
  const computed = { ...entry.slide, scores: json.scores.scores, markerScores: json.scores.markerScores };
  renderScores(json.version > 0 || json.scores.corrections > 0 || !entry.slide.scores ? { ...entry, slide: computed } : entry, json);
}

async function openSlide(entry) {
  const { slide } = entry;
  state.current = entry;
  for (const b of document.querySelectorAll('#tree button')) b.setAttribute('aria-current', String(b.dataset.slideId === String(slide.slideId)));
  state.queue?.follow(slide.analysisId);
  renderScores(entry);
  renderCompare();
  setStatus(`opening ${slide.name}…`);
  try {
    const [xml, overlay] = await Promise.all([api(`/slides/${slide.slideId}/dzi`, 'text'), api(`/analyses/${slide.analysisId}/overlay`)]);
    if (state.current !== entry) return; // another slide was clicked meanwhile
    state.baseOverlay = overlay;
    state.overlay = prepareOverlay(correctedOverlay(overlay, []));
    const viewer = ensureViewer();
    // regions and the scores inside them come on their own; the slide shows meanwhile
    state.review.open(slide.analysisId).catch((err) => setStatus(err.message, true));
    renderLegend();
    $('#osd').dataset.fullyLoaded = 'false';
    viewer.open(tileSourceOf(xml, slide.slideId));
    const statused = overlay.fibres?.some((f) => fibreKey(f) !== 'outline');
    const fibres = !overlay.fibres
      ? ''
      : statused
        ? `, ${overlay.fibres.length} fibres (${overlay.fibres.filter((f) => fibreKey(f) === 'positive').length} MHC-I positive)`
        : `, ${overlay.fibres.length} fibres`;
    setStatus(`${slide.name}: ${overlay.count} cells${fibres}`);
  } catch (err) {
    setStatus(err.message, true);
  }
}

async function main() {
  if (!OSD) {
    setStatus('OpenSeadragon did not load', true);
    return;
  }
  const target = readTarget();
  state.token = readToken('reader');
  if (!state.token) {
    setStatus('no API token: open the viewer as /viewer#token=<reader or pathologist token>', true);
    return;
  }
  try {
    [state.fields, { role: state.role }] = await Promise.all([api('/score-fields'), whoAmI(state.token)]);
    document.body.dataset.role = state.role;
    if (state.role === 'submitter') throw new Error('a submitter token cannot view slides: open the viewer with a reader or pathologist token');
    // the slide tree holds every slide's scores: readers' (a pathologist works from the queue)
    const readsTree = state.role === 'reader' || state.role === 'admin';
    state.queue = createReviewQueue({ section: $('#queue'), token: state.token, onOpen: openQueued, busy: () => state.review?.drawing ?? false });
    const [tree, queue] = await Promise.all([readsTree ? api('/slides') : null, state.queue.load()]);
    state.tree = tree;
    if (tree) {
      renderTree(tree);
      const n = tree.patients.reduce((s, p) => s + p.timepoints.reduce((u, t) => u + t.slides.length, 0), 0);
      setStatus(`${n} slide${n === 1 ? '' : 's'}`);
    } else {
      $('#tree').hidden = true;
      setStatus(`${queue.length} awaiting review`);
    }
    if (target !== null) openTarget(target, queue);
  } catch (err) {
    setStatus(err.message, true);
  }
}

/** Opens an analysis named in the address: from the slide tree (a reader's) or the review queue (a pathologist's). */
function openTarget(analysisId, queue) {
  const inQueue = queue.find((q) => q.analysisId === analysisId);
  const inTree = state.tree?.patients.some((p) => p.timepoints.some((t) => t.slides.some((s) => s.analysisId === analysisId)));
  if (inQueue || inTree) return openQueued(inQueue ?? { analysisId });
  setStatus(`analysis ${analysisId} is not among the slides this token may open (not finished, signed off, or another role's)`, true);
}

/** A queue entry opened: the slide tree's entry (with its stored scores) where there is one. */
function openQueued(q) {
  for (const p of state.tree?.patients ?? []) {
    for (const t of p.timepoints) {
      const slide = t.slides.find((s) => s.analysisId === q.analysisId);
      if (slide) return openSlide({ slide, patient: p.patient, timepoint: t.timepoint });
    }
  }
  return openSlide({ slide: { slideId: q.slideId, name: q.name, marker: q.marker, analysisId: q.analysisId, scores: null, markerScores: null }, patient: q.patient, timepoint: q.timepoint });
}

main();
