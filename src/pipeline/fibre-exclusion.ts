/**
 * QC and fibres: a fibre is measured unless most of it lies under an artefact
 * (params.qc.fibreMaxExcluded says why by area and not by centroid). Pure: labels in, fibres out.
 */

/**
 * The fibres split into those with at most `maxShare` of their pixels (those of the tile's core,
 * where its QC decided) in excluded blocks, and the rest; a label pixel stands for the analysis
 * pixel at its bin's centre.
 */
export function fibresMostlyKept<F extends { id: number }>(fibres: F[], labels: Int32Array, sw: number, sh: number, bin: number, read: { x0: number; y0: number }, excluded: (x: number, y: number) => boolean | undefined, maxShare: number): { kept: F[]; dropped: F[] } {
  if (fibres.length === 0) return { kept: fibres, dropped: [] };
  const want = new Uint8Array(fibres.reduce((m, f) => Math.max(m, f.id), 0) + 1);
  for (const f of fibres) want[f.id] = 1;
  const known = new Uint32Array(want.length);
  const out = new Uint32Array(want.length);
  const half = bin >> 1;
  for (let sy = 0, i = 0; sy < sh; sy++) {
    for (let sx = 0; sx < sw; sx++, i++) {
      const l = labels[i];
      if (l <= 0 || l >= want.length || !want[l]) continue;
      const e = excluded(read.x0 + sx * bin + half, read.y0 + sy * bin + half);
      if (e === undefined) continue;
      known[l]++;
      if (e) out[l]++;
    }
  }
  const kept: F[] = [];
  const dropped: F[] = [];
  for (const f of fibres) (known[f.id] > 0 && out[f.id] > maxShare * known[f.id] ? dropped : kept).push(f);
  return { kept, dropped };
}
