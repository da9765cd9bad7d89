// The pathologist's regions (analyse inside) and exclusions (left out) over the slide, and the
// outline being drawn. Regions: a green dashed outline; exclusions: red, filled translucent so the
// left-out tissue reads at a glance; the draft: amber with its vertices.

export const REGION_COLOUR = { region: '#2e7d32', exclusion: '#d32f2f', draft: '#ffb300' };
const EXCLUSION_FILL_ALPHA = 0.18;

function tracePath(points, map, close) {
  const { ox, oy, sx, sy } = map;
  const p = new Path2D();
  points.forEach(([x, y], i) => (i === 0 ? p.moveTo(ox + x * sx, oy + y * sy) : p.lineTo(ox + x * sx, oy + y * sy)));
  if (close) p.closePath();
  return p;
}

/** Draws every region and the draft; `selected` (an index) is drawn thicker. Returns how many of each were drawn. */
export function drawRegions(ctx, regions, draft, map, selected = -1) {
  const counts = { regions: 0, exclusions: 0 };
  ctx.save();
  regions.forEach((r, i) => {
    const path = tracePath(r.polygon, map, true);
    ctx.lineWidth = i === selected ? 4 : 2;
    ctx.strokeStyle = REGION_COLOUR[r.kind];
    if (r.kind === 'exclusion') {
      ctx.setLineDash([]);
      ctx.globalAlpha = EXCLUSION_FILL_ALPHA;
      ctx.fillStyle = REGION_COLOUR.exclusion;
      ctx.fill(path, 'evenodd');
      ctx.globalAlpha = 1;
      counts.exclusions++;
    } else {
      ctx.setLineDash([8, 4]);
      counts.regions++;
    }
    ctx.stroke(path);
  });
  if (draft.length > 0) {
    ctx.setLineDash([]);
    ctx.lineWidth = 2;
    ctx.strokeStyle = REGION_COLOUR.draft;
    ctx.stroke(tracePath(draft, map, false));
    ctx.fillStyle = REGION_COLOUR.draft;
    for (const [x, y] of draft) ctx.fillRect(map.ox + x * map.sx - 2, map.oy + y * map.sy - 2, 4, 4);
  }
  ctx.restore();
  return counts;
}
