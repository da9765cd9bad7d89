// The overlay as the pathologist corrected it (GET /analyses/:id/corrections `inEffect`): a
// reclassified cell drawn in its new grade, a deleted one left out, an added one drawn where it
// was added, a fibre with its MHC-I call. The algorithm's overlay is kept as it came; this builds
// what is drawn and hit-tested, each cell with its correction target (cell:<tile>:<n> or added:<seq>).

/** Drawn radius of an added cell, µm: about a lymphocyte nucleus (an added cell has no measured size). */
const ADDED_RADIUS_UM = 3;

/** cell:<tileId>:<n> of every stored cell: the n-th cell of its tile, in the overlay's order. */
export function cellTargets(overlay) {
  const seen = new Map();
  return overlay.cells.tile.map((t) => {
    const n = seen.get(t) ?? 0;
    seen.set(t, n + 1);
    return `cell:${t}:${n}`;
  });
}

/** The algorithm's overlay `base` with the corrections in effect applied; `corrections` says how many. */
export function correctedOverlay(base, inEffect) {
  const effects = new Map(inEffect.map((e) => [e.target, e.effect]));
  const c = base.cells;
  const targets = cellTargets(base);
  const cells = { x: [], y: [], radius: [], grade: [], target: [], corrected: [] };
  if (c.location) Object.assign(cells, { location: [], inFibre: [] });
  const push = (x, y, radius, grade, target, corrected, location, inFibre) => {
    cells.x.push(x);
    cells.y.push(y);
    cells.radius.push(radius);
    cells.grade.push(grade);
    cells.target.push(target);
    cells.corrected.push(corrected);
    if (cells.location) {
      cells.location.push(location ?? null);
      cells.inFibre.push(inFibre ?? null);
    }
  };
  for (let i = 0; i < c.x.length; i++) {
    const e = effects.get(targets[i]);
    if (e?.kind === 'delete') continue;
    push(c.x[i], c.y[i], c.radius[i], e?.kind === 'reclassify' ? e.grade : c.grade[i], targets[i], Boolean(e), c.location?.[i], c.inFibre?.[i]);
  }
  for (const [target, e] of effects) {
    if (e.kind === 'add') push(e.x, e.y, ADDED_RADIUS_UM / base.slideMppUm, e.grade, target, true, e.location, e.inFibre);
  }
  const fibres = base.fibres?.map((f) => {
    const e = effects.get(f.target);
    return e?.kind === 'fibre' ? { ...f, positive: e.mhc1Positive, corrected: true } : f;
  });
  return { ...base, count: cells.x.length, cells, ...(fibres ? { fibres } : {}), corrections: effects.size };
}

/** The mark a correction names, as { kind, index } in a corrected overlay; null when it is not there (deleted). */
export function markOf(overlay, target) {
  if (target.startsWith('fibre:')) {
    const i = overlay.fibres?.findIndex((f) => f.target === target) ?? -1;
    return i >= 0 ? { kind: 'fibre', index: i } : null;
  }
  const i = overlay.cells.target.indexOf(target);
  return i >= 0 ? { kind: 'cell', index: i } : null;
}

/** A ring round the selected mark (level-0 → element `map`). */
export function drawSelection(ctx, overlay, mark, map) {
  const { ox, oy, sx } = map;
  const [x, y, r] = mark.kind === 'cell'
    ? [overlay.cells.x[mark.index], overlay.cells.y[mark.index], overlay.cells.radius[mark.index]]
    : [overlay.fibres[mark.index].x, overlay.fibres[mark.index].y, overlay.fibres[mark.index].radiusPx];
  ctx.save();
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#ffd600';
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.arc(ox + x * sx, oy + y * map.sy, Math.max(6, r * sx + 5), 0, 2 * Math.PI);
  ctx.stroke();
  ctx.restore();
}
