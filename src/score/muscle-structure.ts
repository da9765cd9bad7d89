import type { TileResult } from '../domain/detection.js';
import type { AnalysisParams } from '../domain/params.js';
import { AnalysisError } from '../errors/index.js';

/**
 * No silent zeros (issue 18 point 3): a muscle section whose fibres were not found fails with a
 * message. Scored anyway it would call every cell perimysial and an MHC-I slide grade 0, which
 * reads as a clean negative biopsy.
 */
export function requireFibres(results: readonly TileResult[], tissueAreaMm2: number, minCoverage: number): void {
  const problem = fibreShortfall(results, tissueAreaMm2, minCoverage, 'minFibreCoverage');
  if (problem) throw new AnalysisError(`${problem}; fibre, location and MHC-I scores would be wrong, so none are given`);
}

/**
 * Why the fibres cannot carry the slide's scores (too little of the tissue is fibre), or null when
 * they can. `tissueAreaMm2` is the whole section's, QC's exclusions included: the fibres QC left out
 * (TileQc.excludedFibres) count too, since whether the section is muscle does not depend on which
 * parts of it an artefact spoiled.
 */
export function fibreShortfall(results: readonly TileResult[], tissueAreaMm2: number, minCoverage: number, param: string): string | null {
  if (!(tissueAreaMm2 > 0) || minCoverage <= 0) return null;
  let fibreUm2 = 0;
  let count = 0;
  for (const r of results) {
    for (const f of r.fibres ?? []) {
      fibreUm2 += f.areaUm2;
      count++;
    }
    fibreUm2 += r.qc?.excludedFibres?.areaUm2 ?? 0;
    count += r.qc?.excludedFibres?.count ?? 0;
  }
  const coverage = fibreUm2 / (tissueAreaMm2 * 1e6);
  if (coverage >= minCoverage) return null;
  return (
    `QC failed: no muscle fibres found — ${count} segmented fibre${count === 1 ? '' : 's'} cover ${(100 * coverage).toFixed(1)}% of the ${tissueAreaMm2.toFixed(3)} mm² of tissue ` +
    `(a muscle section needs at least ${(100 * minCoverage).toFixed(0)}%, params.muscle.${param})`
  );
}

/**
 * The same for fascicles: cell locations rest on them (perimysium is what lies between fascicles),
 * so a section where the fibres were found but do not group into fascicles — every fibre ringed by
 * a gap wider than a septum, as where endomysium is widened all over — would read every cell
 * perimysial. A shortfall when fewer than minFascicledShare of the fibres lie in a fascicle of at
 * least fascicleMinFibres fibres (as each tile saw it). Fibres stored without a fascicle size
 * (before issue 18) are not judged.
 */
export function fascicleShortfall(results: readonly TileResult[], m: Pick<AnalysisParams['muscle'], 'fascicleMinFibres' | 'minFascicledShare'>): string | null {
  if (m.minFascicledShare <= 0) return null;
  let judged = 0;
  let grouped = 0;
  for (const r of results) {
    for (const f of r.fibres ?? []) {
      if (f.fascicleFibres === undefined) continue;
      judged++;
      if (f.fascicleFibres >= m.fascicleMinFibres) grouped++;
    }
  }
  if (judged === 0 || grouped >= m.minFascicledShare * judged) return null;
  return (
    `QC failed: no fascicles found — ${grouped} of ${judged} segmented fibres (${((100 * grouped) / judged).toFixed(1)}%) lie in a fascicle of at least ${m.fascicleMinFibres} fibres ` +
    `(a muscle section needs at least ${(100 * m.minFascicledShare).toFixed(0)}%, params.muscle.minFascicledShare)`
  );
}

/**
 * Why cells of a muscle section cannot be located (no fibres, or no fascicles), or null when they
 * can. The caller withholds every location-based score with this message instead of calling every
 * cell perimysial.
 */
export function locationShortfall(results: readonly TileResult[], tissueAreaMm2: number, m: AnalysisParams['muscle']): string | null {
  const problem = fibreShortfall(results, tissueAreaMm2, m.minFibreCoverageLocated, 'minFibreCoverageLocated') ?? fascicleShortfall(results, m);
  return problem && `${problem}; cell locations (endomysial, perimysial, perivascular) would be wrong, so none are given`;
}
