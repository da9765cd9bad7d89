// Drawing a region on the slide: a layer over the viewer that takes the pointer only while a tool
// is chosen (otherwise OpenSeadragon pans and zooms as ever). Vertices are kept in level-0 px, so
// a half-drawn outline stays on the tissue while the view changes.
//   polygon: click each vertex; double-click or Enter closes; Backspace drops the last; Esc cancels.
//   freehand: press, drag round the area, release to close.
//   any other tool (correct, add): each click is one level-0 point, handed to onPoint.

/** Screen px within which a click repeats the last vertex (the second click of a double-click). */
const SAME_POINT_PX = 4;
/** Screen px the pointer must travel before freehand adds the next vertex. */
const FREEHAND_STEP_PX = 3;

/** The outline without repeated consecutive vertices or a closing repeat of the first; null below 3 vertices. */
export function closedOutline(points) {
  const out = [];
  for (const p of points) {
    const q = out[out.length - 1];
    if (!q || q[0] !== p[0] || q[1] !== p[1]) out.push(p);
  }
  while (out.length > 1 && out[0][0] === out[out.length - 1][0] && out[0][1] === out[out.length - 1][1]) out.pop();
  return out.length >= 3 ? out : null;
}

/** Shoelace area of an outline in its own units squared. */
export function polygonArea(points) {
  let twice = 0;
  for (let i = 0, j = points.length - 1; i < points.length; j = i++) twice += points[j][0] * points[i][1] - points[i][0] * points[j][1];
  return Math.abs(twice) / 2;
}

const round1 = (v) => Math.round(v * 10) / 10;

/**
 * `layer`: an element over the viewer; `map()`: the current level-0 → element map ({ ox, oy, sx, sy })
 * or null; `onDraft(points)`: the outline so far (redraw); `onClose(points)`: a finished outline;
 * `onPoint(tool, point)`: a click with a point tool.
 */
export function createDrawTool(layer, { map, onDraft, onClose, onPoint }) {
  let tool = null;
  let points = [];
  let dragging = false;
  let last = null; // last vertex in element px

  const at = (e) => {
    const r = layer.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const toImage = ({ x, y }) => {
    const m = map();
    return m ? [round1((x - m.ox) / m.sx), round1((y - m.oy) / m.sy)] : null;
  };
  const add = (p) => {
    const v = toImage(p);
    if (!v) return;
    points.push(v);
    last = p;
    onDraft(points);
  };
  const reset = () => {
    points = [];
    last = null;
    dragging = false;
    onDraft(points);
  };
  const finish = () => {
    const outline = closedOutline(points);
    reset();
    if (outline) onClose(outline);
  };
  const far = (p, px) => !last || Math.hypot(p.x - last.x, p.y - last.y) >= px;

  layer.addEventListener('pointerdown', (e) => {
    if (!tool || e.button !== 0) return;
    e.preventDefault();
    const p = at(e);
    if (tool === 'polygon') {
      if (far(p, SAME_POINT_PX)) add(p);
    } else if (tool !== 'freehand') {
      const v = toImage(p);
      if (v) onPoint(tool, v);
    } else {
      reset();
      dragging = true;
      layer.setPointerCapture?.(e.pointerId);
      add(p);
    }
  });
  layer.addEventListener('pointermove', (e) => {
    if (tool !== 'freehand' || !dragging) return;
    const p = at(e);
    if (far(p, FREEHAND_STEP_PX)) add(p);
  });
  layer.addEventListener('pointerup', (e) => {
    if (tool !== 'freehand' || !dragging) return;
    add(at(e));
    finish();
  });
  layer.addEventListener('dblclick', (e) => {
    if (tool !== 'polygon') return;
    e.preventDefault();
    finish();
  });
  // on the document: the layer need not hold the focus for Enter to close the outline
  document.addEventListener('keydown', (e) => {
    if (!tool) return;
    if (e.key === 'Enter' && tool === 'polygon') finish();
    else if (e.key === 'Escape') reset();
    else if (e.key === 'Backspace' && tool === 'polygon' && points.length > 0) {
      points.pop();
      last = null;
      onDraft(points);
    } else return;
    e.preventDefault();
  });

  return {
    get tool() {
      return tool;
    },
    /** 'polygon', 'freehand', a point tool ('correct', 'add'), or null to give the pointer back to the viewer */
    setTool(next) {
      tool = next;
      reset();
      layer.hidden = !next;
      layer.dataset.tool = next ?? '';
    },
  };
}
