// What the overlay draws and what lies under the pointer. Coordinates in the overlay JSON are
// level-0 pixels; `map` takes them to the viewer element's pixels (one affine map per frame,
// not one OpenSeadragon call per mark, so a slide's worth of marks redraws at frame rate).

// negative blue, positive brown → dark red with grade (as DAB browns)
export const CELL_COLOUR = ['#1f5fd1', '#d08a3c', '#b8431b', '#7f1d0e'];
export const LOCATIONS = ['endomysial', 'perimysial', 'perivascular'];
export const LOCATION_COLOUR = { endomysial: '#2e7d32', perimysial: '#ef6c00', perivascular: '#8e24aa' };
const UNLOCATED_COLOUR = '#757575';
// MHC-I positive red, negative a sky blue: brighter than any cell grade's brown and lighter than
// the negative cells' blue, so outlines and cell marks stay apart where they cross
// fibres of a slide whose marker is not MHC-I have no MHC-I status: a neutral grey outline
// (the outlines still show the segmentation that places cells endomysial or perimysial)
export const FIBRE_COLOUR = { positive: '#e8141c', negative: '#0096e6', outline: '#9e9e9e' };

/** A fibre's status key: 'positive' / 'negative' on MHC-I slides, 'outline' when it has none (positive null). */
export function fibreKey(f) {
  return f.positive === null || f.positive === undefined ? 'outline' : f.positive ? 'positive' : 'negative';
}
// QC exclusions (GET /analyses/:id/overlay `qc`), one colour per cause, drawn translucent under the marks
export const QC_COLOUR = { focus: '#9e9e9e', fold: '#6d4c41', ice: '#00acc1', pen: '#3949ab', bubble: '#c0ca33' };
const QC_ALPHA = 0.35;
const CORRECTED_COLOUR = '#111';
const CELL_LINE = 1.5;
const FIBRE_LINE = 1.25;

/** Adds each fibre's bounding box (level-0 px), once per overlay, for culling and hit tests. */
export function prepareOverlay(overlay) {
  for (const f of overlay.fibres ?? []) {
    if (f.contour.length >= 3) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (const [x, y] of f.contour) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
      f.box = { x0, y0, x1, y1 };
    } else {
      f.box = { x0: f.x - f.radiusPx, y0: f.y - f.radiusPx, x1: f.x + f.radiusPx, y1: f.y + f.radiusPx };
    }
  }
  return overlay;
}

function emptyCounts() {
  return { drawn: 0, positive: 0, negative: 0, endomysial: 0, perimysial: 0, perivascular: 0, fibres: 0, fibresPositive: 0, fibresNegative: 0, fibresOutlined: 0, qcBlocks: 0, corrected: 0 };
}

/** The cause a QC block is coloured by: the first of its bits, in the overlay's cause order. */
export function qcCauseOf(qc, bits) {
  for (let i = 0; i < qc.causes.length; i++) if (bits & (1 << i)) return qc.causes[i];
  return null;
}

/** Excluded blocks per cause (a block two causes flagged counts for each), for the legend; null without QC. */
export function qcCounts(overlay) {
  const qc = overlay.qc;
  if (!qc) return null;
  const out = Object.fromEntries(qc.causes.map((c) => [c, 0]));
  for (const [, , bits] of qc.blocks) qc.causes.forEach((c, i) => { if (bits & (1 << i)) out[c]++; });
  return out;
}

/** Excluded blocks as translucent squares coloured by cause; returns how many were on screen. */
function drawQc(ctx, qc, map, w, h) {
  const { ox, oy, sx, sy } = map;
  const side = qc.blockPx;
  const paths = new Map(qc.causes.map((c) => [c, new Path2D()]));
  let drawn = 0;
  for (const [x, y, bits] of qc.blocks) {
    const px = ox + x * sx;
    const py = oy + y * sy;
    if (px + side * sx < 0 || py + side * sy < 0 || px > w || py > h) continue;
    paths.get(qcCauseOf(qc, bits))?.rect(px, py, side * sx, side * sy);
    drawn++;
  }
  ctx.save();
  ctx.globalAlpha = QC_ALPHA;
  for (const [c, p] of paths) {
    ctx.fillStyle = QC_COLOUR[c] ?? '#000';
    ctx.fill(p);
  }
  ctx.restore();
  return drawn;
}

/**
 * Draws QC's excluded blocks (unless `qc` is false), fibre outlines, then the cells over them.
 * `colourBy` is 'grade' or 'location'. Marks off screen are skipped; the returned counts are what
 * this frame drew.
 */
export function drawOverlay(ctx, overlay, map, w, h, colourBy, { qc = true } = {}) {
  const { ox, oy, sx, sy } = map;
  const counts = emptyCounts();
  if (overlay.qc && qc) counts.qcBlocks = drawQc(ctx, overlay.qc, map, w, h);
  const fibrePaths = { positive: new Path2D(), negative: new Path2D(), outline: new Path2D() };
  for (const f of overlay.fibres ?? []) {
    const b = f.box;
    if (ox + b.x1 * sx < 0 || oy + b.y1 * sy < 0 || ox + b.x0 * sx > w || oy + b.y0 * sy > h) continue;
    const key = fibreKey(f);
    const p = fibrePaths[key];
    if (f.contour.length >= 3) {
      const [x0, y0] = f.contour[0];
      p.moveTo(ox + x0 * sx, oy + y0 * sy);
      for (let i = 1; i < f.contour.length; i++) p.lineTo(ox + f.contour[i][0] * sx, oy + f.contour[i][1] * sy);
      p.closePath();
    } else {
      const r = f.radiusPx * sx;
      p.moveTo(ox + f.x * sx + r, oy + f.y * sy);
      p.arc(ox + f.x * sx, oy + f.y * sy, r, 0, 2 * Math.PI);
    }
    counts.fibres++;
    if (key === 'positive') counts.fibresPositive++;
    else if (key === 'negative') counts.fibresNegative++;
    else counts.fibresOutlined++;
  }
  ctx.lineWidth = FIBRE_LINE;
  for (const k of ['outline', 'negative', 'positive']) {
    ctx.strokeStyle = FIBRE_COLOUR[k];
    ctx.stroke(fibrePaths[k]);
  }

  const { x, y, radius, grade, location, corrected } = overlay.cells;
  // a pathologist's corrections (src/web/corrected-overlay.js): a dark outer ring round the cell
  const correctedPath = new Path2D();
  const byLocation = colourBy === 'location' && location;
  const keys = byLocation ? [...LOCATIONS, 'none'] : CELL_COLOUR.map((_, g) => g);
  const paths = new Map(keys.map((k) => [k, new Path2D()]));
  for (let i = 0; i < x.length; i++) {
    const px = ox + x[i] * sx;
    const py = oy + y[i] * sy;
    const r = Math.max(2, radius[i] * sx);
    if (px < -r || py < -r || px > w + r || py > h + r) continue;
    const path = paths.get(byLocation ? (location[i] ?? 'none') : grade[i]);
    path.moveTo(px + r, py);
    path.arc(px, py, r, 0, 2 * Math.PI);
    if (corrected?.[i]) {
      correctedPath.moveTo(px + r + 3, py);
      correctedPath.arc(px, py, r + 3, 0, 2 * Math.PI);
      counts.corrected++;
    }
    counts.drawn++;
    if (grade[i] > 0) counts.positive++;
    else counts.negative++;
    if (location && location[i]) counts[location[i]]++;
  }
  ctx.lineWidth = CELL_LINE;
  for (const [k, p] of paths) {
    ctx.strokeStyle = byLocation ? (LOCATION_COLOUR[k] ?? UNLOCATED_COLOUR) : CELL_COLOUR[k];
    ctx.stroke(p);
  }
  ctx.strokeStyle = CORRECTED_COLOUR;
  ctx.stroke(correctedPath);
  return counts;
}

function insidePolygon(pts, x, y) {
  let inside = false;
  for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
    const [xi, yi] = pts[i];
    const [xj, yj] = pts[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/**
 * The mark under level-0 point (ix, iy): the nearest cell whose ring (or a `slackPx` margin, for
 * small marks) holds the point, else the fibre whose outline holds it; null when neither.
 */
export function markAt(overlay, ix, iy, slackPx) {
  const { x, y, radius } = overlay.cells;
  let best = -1;
  let bestD = Infinity;
  for (let i = 0; i < x.length; i++) {
    const d = Math.hypot(x[i] - ix, y[i] - iy);
    if (d <= Math.max(radius[i], slackPx) && d < bestD) {
      best = i;
      bestD = d;
    }
  }
  if (best >= 0) return { kind: 'cell', index: best };
  const fibres = overlay.fibres ?? [];
  for (let i = 0; i < fibres.length; i++) {
    const f = fibres[i];
    const b = f.box;
    if (ix < b.x0 || ix > b.x1 || iy < b.y0 || iy > b.y1) continue;
    const inside = f.contour.length >= 3 ? insidePolygon(f.contour, ix, iy) : Math.hypot(f.x - ix, f.y - iy) <= f.radiusPx;
    if (inside) return { kind: 'fibre', index: i };
  }
  return null;
}

const fmt = (v) => (Math.round(v * 1000) / 1000).toFixed(3);

/** The tooltip's words for a mark. */
export function describeMark(overlay, mark) {
  if (mark.kind === 'cell') {
    const c = overlay.cells;
    const i = mark.index;
    const parts = [`cell: ${c.grade[i] === 0 ? 'negative' : `${c.grade[i]}+`}`];
    if (c.location) parts.push(c.location[i] ?? 'no location');
    if (c.inFibre && c.inFibre[i]) parts.push('inside a fibre');
    return parts.join(' · ');
  }
  const f = overlay.fibres[mark.index];
  const key = fibreKey(f);
  const parts = key === 'outline' ? ['fibre'] : [`fibre: MHC-I ${key}`, `ring DAB ${fmt(f.ringDab)}`, `interior DAB ${fmt(f.interiorDab)}`];
  if (f.perifascicular) parts.push('perifascicular');
  return parts.join(' · ');
}

/** Cells per location in the whole overlay, for the legend; null when the analysis located none. */
export function locationCounts(overlay) {
  const loc = overlay.cells.location;
  if (!loc) return null;
  const out = { endomysial: 0, perimysial: 0, perivascular: 0 };
  for (const l of loc) if (l) out[l]++;
  return out;
}
