// The slide viewer: plain ES module, no bundler. OpenSeadragon is loaded by index.html as a classic
// script (served from node_modules by the API). Every data request carries the API token as a
// bearer header; tiles too (OpenSeadragon loadTilesWithAjax + ajaxHeaders).

const OSD = globalThis.OpenSeadragon;
const $ = (sel) => document.querySelector(sel);

const CORE_SCORES = [
  ['cellsPerMm2', 'Cells / mm²'],
  ['positiveCellsPerMm2', 'Positive cells / mm²'],
  ['pctPositive', '% positive cells'],
  ['hScore', 'H-score (0–300)'],
  ['pctPositiveArea', '% positive area'],
  ['tissueAreaMm2', 'Tissue area (mm²)'],
  ['cells', 'Cells'],
  ['positiveCells', 'Positive cells'],
  ['pct1', '% 1+'],
  ['pct2', '% 2+'],
  ['pct3', '% 3+'],
  ['allred', 'Allred score (0–8)'],
  ['pixelHScore', 'Pixel H-score (0–300)'],
];
// shown as parts of the scores above, not as marker-specific extras
const FOLDED = new Set(['pctNegative', 'allredProportion', 'allredIntensity']);
const PLOTTED = CORE_SCORES.slice(0, 6);

// colours: negative blue, positive brown → dark red with grade (as DAB browns), fibres by MHC-I status
const CELL_COLOUR = ['#1f5fd1', '#d08a3c', '#b8431b', '#7f1d0e'];
const FIBRE_COLOUR = { true: '#c2185b', false: '#4caf50' };

const state = { token: '', tree: null, current: null, overlay: null, viewer: null, canvas: null, metric: 'cellsPerMm2' };

function setStatus(text, error = false) {
  const s = $('#status');
  s.textContent = text;
  s.classList.toggle('error', error);
}

function readToken() {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m) {
    const token = decodeURIComponent(m[1]);
    sessionStorage.setItem('bq-token', token);
    // keep the token out of history and of anything that copies the address
    history.replaceState(null, '', location.pathname + location.search);
    return token;
  }
  return sessionStorage.getItem('bq-token') || (globalThis.prompt('API token (reader role)') ?? '').trim();
}

async function api(path, as = 'json') {
  const res = await fetch(path, { headers: { Authorization: `Bearer ${state.token}` } });
  if (!res.ok) {
    let message = res.statusText;
    try {
      message = (await res.json()).message ?? message;
    } catch {
      // not a JSON problem body; the status text says enough
    }
    if (res.status === 401) sessionStorage.removeItem('bq-token');
    throw new Error(`${path}: ${res.status} ${message}`);
  }
  return as === 'text' ? res.text() : res.json();
}

export function formatNumber(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

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
  el.append(canvas);
  state.canvas = canvas;
  const redraw = () => drawOverlay();
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
  $('#show-overlay').addEventListener('change', redraw);
  state.viewer = viewer;
  return viewer;
}

/**
 * Cells and fibres on a canvas over the viewer, redrawn on every viewport change. One affine map
 * (level-0 px → element px) per frame instead of one OpenSeadragon call per cell, and cells off
 * screen are skipped, so a slide's worth of cells redraws at frame rate.
 */
function drawOverlay() {
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
  const counts = { drawn: 0, positive: 0, negative: 0, fibres: 0 };
  if (item && overlay && $('#show-overlay').checked) {
    const o = item.imageToViewerElementCoordinates(new OSD.Point(0, 0));
    const e = item.imageToViewerElementCoordinates(new OSD.Point(1000, 1000));
    const sx = (e.x - o.x) / 1000;
    const sy = (e.y - o.y) / 1000;
    const { x, y, radius, grade } = overlay.cells;
    const paths = CELL_COLOUR.map(() => new Path2D());
    for (let i = 0; i < x.length; i++) {
      const px = o.x + x[i] * sx;
      const py = o.y + y[i] * sy;
      const r = Math.max(2, radius[i] * sx);
      if (px < -r || py < -r || px > w + r || py > h + r) continue;
      const path = paths[grade[i]];
      path.moveTo(px + r, py);
      path.arc(px, py, r, 0, 2 * Math.PI);
      counts.drawn++;
      if (grade[i] > 0) counts.positive++;
      else counts.negative++;
    }
    ctx.lineWidth = 1.5;
    paths.forEach((p, g) => {
      ctx.strokeStyle = CELL_COLOUR[g];
      ctx.stroke(p);
    });
    // hook for the MHC-I fibre segmentation: fibres outlined by status when the overlay has them
    for (const f of overlay.fibres ?? []) {
      const px = o.x + f.x * sx;
      const py = o.y + f.y * sy;
      const r = Math.max(2, f.radiusPx * sx);
      if (px < -r || py < -r || px > w + r || py > h + r) continue;
      ctx.beginPath();
      ctx.arc(px, py, r, 0, 2 * Math.PI);
      ctx.strokeStyle = FIBRE_COLOUR[Boolean(f.positive)];
      ctx.lineWidth = 2.5;
      ctx.stroke();
      counts.fibres++;
    }
  }
  // what the last frame drew, for tests and for anyone checking the overlay against the counts
  Object.assign(canvas.dataset, {
    cells: String(overlay ? overlay.count : 0),
    drawn: String(counts.drawn),
    positive: String(counts.positive),
    negative: String(counts.negative),
    fibres: String(counts.fibres),
  });
}

function addRow(dl, field, name, value) {
  const dt = document.createElement('dt');
  dt.textContent = name;
  const dd = document.createElement('dd');
  dd.dataset.field = field;
  dd.dataset.value = String(value);
  dd.textContent = formatNumber(value);
  dl.append(dt, dd);
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

/** Marker-specific scores (CD163, infiltrates, IL-1, MHC-I …), from the score row and any extra score fields, one section each. */
function addExtras(section, slide) {
  const known = new Set([...CORE_SCORES.map(([k]) => k), ...FOLDED]);
  const groups = Object.entries(slide.scores).filter(([k]) => !known.has(k));
  if (slide.markerScores) groups.push(...Object.entries(slide.markerScores).filter(([k]) => k !== 'marker'));
  for (const [key, value] of groups) {
    const rows = leaves(value, '');
    if (rows.length === 0) continue;
    const h3 = document.createElement('h3');
    h3.textContent = key;
    const dl = Object.assign(document.createElement('dl'), { className: 'scores extra' });
    for (const [name, v] of rows) addRow(dl, name ? `${key}.${name}` : key, name || key, v);
    section.append(h3, dl);
  }
}

function renderScores({ slide, patient, timepoint }) {
  const section = $('#scores');
  section.replaceChildren();
  section.dataset.slideId = String(slide.slideId);
  section.dataset.analysisId = String(slide.analysisId);
  const h2 = document.createElement('h2');
  h2.textContent = slide.name;
  const meta = Object.assign(document.createElement('p'), { className: 'hint' });
  meta.textContent = `${label(patient, 'unknown patient')} · ${label(timepoint, 'unknown timepoint')} · ${label(slide.marker, 'no marker')} · analysis ${slide.analysisId}`;
  const dl = Object.assign(document.createElement('dl'), { className: 'scores' });
  for (const [field, name] of CORE_SCORES) if (field in slide.scores) addRow(dl, field, name, slide.scores[field]);
  section.append(h2, meta, dl);
  addExtras(section, slide);
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
  for (const [field, name] of PLOTTED) select.append(Object.assign(document.createElement('option'), { value: field, textContent: name, selected: field === state.metric }));
  select.addEventListener('change', () => {
    state.metric = select.value;
    renderCompare();
  });

  const bars = [];
  const timepoints = [];
  for (const p of state.tree.patients) {
    for (const t of p.timepoints) {
      for (const s of t.slides) {
        if (s.marker !== cur.slide.marker || typeof s.scores[state.metric] !== 'number') continue;
        if (!timepoints.includes(t.timepoint)) timepoints.push(t.timepoint);
        bars.push({ patient: p.patient, timepoint: t.timepoint, slide: s, value: s.scores[state.metric] });
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

async function openSlide(entry) {
  const { slide } = entry;
  state.current = entry;
  for (const b of document.querySelectorAll('#tree button')) b.setAttribute('aria-current', String(b.dataset.slideId === String(slide.slideId)));
  renderScores(entry);
  renderCompare();
  setStatus(`opening ${slide.name}…`);
  try {
    const [xml, overlay] = await Promise.all([api(`/slides/${slide.slideId}/dzi`, 'text'), api(`/analyses/${slide.analysisId}/overlay`)]);
    if (state.current !== entry) return; // another slide was clicked meanwhile
    state.overlay = overlay;
    const viewer = ensureViewer();
    $('#osd').dataset.fullyLoaded = 'false';
    viewer.open(tileSourceOf(xml, slide.slideId));
    setStatus(`${slide.name}: ${overlay.count} cells`);
  } catch (err) {
    setStatus(err.message, true);
  }
}

async function main() {
  if (!OSD) {
    setStatus('OpenSeadragon did not load', true);
    return;
  }
  state.token = readToken();
  if (!state.token) {
    setStatus('no API token: open the viewer as /viewer#token=<reader token>', true);
    return;
  }
  try {
    state.tree = await api('/slides');
    renderTree(state.tree);
    const n = state.tree.patients.reduce((s, p) => s + p.timepoints.reduce((u, t) => u + t.slides.length, 0), 0);
    setStatus(`${n} slide${n === 1 ? '' : 's'}`);
  } catch (err) {
    setStatus(err.message, true);
  }
}

main();
