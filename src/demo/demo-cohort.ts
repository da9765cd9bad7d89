import { paramsForMarker } from '../domain/marker.js';
import type { AnalysisParamsInput } from '../domain/params.js';
import { analyseSlide, type SlideOutcome } from '../pipeline/analyse-slide.js';
import type { TileExecutor } from '../pipeline/executor.js';
import type { Store } from '../store/store.js';
import { ensureDemoSlide, prepareDemoCohort, type DemoCohort, type DemoCohortOptions, type DemoSlide } from '../synthetic/cohort/write-cohort.js';
import { outcomeRows, withResponders } from '../cohort/compare-inputs.js';
import type { OutcomeRow, ScoreRow } from '../cohort/compare-schemas.js';
import { demoComparisonTable, type DemoComparison } from './demo-cohort-table.js';
import { imacsResponders, type ImacsResult } from '../cohort/imacs.js';
import { researchRows } from '../cohort/research-rows.js';
import { expressedCall, scoreValues } from '../cohort/score-catalogue.js';

export interface DemoCohortRun {
  cohort: DemoCohort;
  /** one per slide, in the cohort's slide order */
  outcomes: SlideOutcome[];
  /** slides rendered in this run (0 when every slide was already on disk) */
  rendered: number;
  imacs: ImacsResult[];
  scores: ScoreRow[];
  measures: OutcomeRow[];
  table: DemoComparison[];
  seconds: number;
}

export interface DemoCohortRunOptions extends DemoCohortOptions {
  /** the cohort directory (tables, slides/, cohort.json); reused when it holds this cohort */
  dir: string;
  /** the user's overrides; each slide's marker settings go under them (paramsForMarker) */
  params: AnalysisParamsInput;
  executor: TileExecutor;
  /**
   * when given, the cohort tables and every analysis are stored, and the comparisons read their
   * rows back from the store (researchRows), as `compare` would
   */
  store?: Store;
  onSlide?: (done: number, total: number, slide: DemoSlide, outcome: SlideOutcome) => void;
}

/** Score rows of the analysed slides, as research-rows builds them from the store. */
export function scoreRowsOf(slides: readonly DemoSlide[], outcomes: readonly SlideOutcome[]): ScoreRow[] {
  const rows: ScoreRow[] = [];
  slides.forEach((s, i) => {
    const o = outcomes[i];
    if (!o.ok) return;
    const expressed = expressedCall(o.markerScores);
    for (const [score, value] of Object.entries(scoreValues(o.scores, o.markerScores))) {
      const row: ScoreRow = { patient: s.patient, timepoint: s.timepoint, marker: s.marker, score, value };
      if (expressed !== undefined) row.expressed = expressed;
      rows.push(row);
    }
  });
  return rows;
}

/**
 * The demo cohort end to end: tables and slides written (or reused), every slide through the
 * embedded pipeline with its patient/timepoint/marker, responders by IMACS from the visits,
 * then every planted and null comparison. Rendering runs on this thread while earlier slides'
 * tiles run on the executor's workers, so the two overlap.
 */
export async function analyseDemoCohort(opts: DemoCohortRunOptions): Promise<DemoCohortRun> {
  const started = performance.now();
  const cohort = await prepareDemoCohort(opts.dir, opts);
  if (opts.store) await opts.store.importCohort(cohort.cohort);
  const { slides } = cohort;
  const outcomes: SlideOutcome[] = new Array(slides.length);
  let next = 0;
  let done = 0;
  let rendered = 0;
  const worker = async () => {
    while (next < slides.length) {
      const s = slides[next++];
      if (await ensureDemoSlide(s)) rendered++;
      const o = await analyseSlide({
        path: s.path,
        metadata: { patient: s.patient, timepoint: s.timepoint, marker: s.marker },
        params: paramsForMarker(s.marker, opts.params),
        executor: opts.executor,
        store: opts.store,
      });
      outcomes[slides.indexOf(s)] = o;
      opts.onSlide?.(++done, slides.length, s, o);
    }
  };
  // one slide more than workers: this thread renders the next while the pool analyses
  await Promise.all(Array.from({ length: Math.min(slides.length, opts.executor.concurrency + 1) }, worker));

  let imacs: ImacsResult[];
  let scores: ScoreRow[];
  let measures: OutcomeRow[];
  if (opts.store) {
    // the store may hold other patients' slides (the shipped demo slides): keep the cohort's own
    const ours = new Set(cohort.cohort.patients.map((p) => p.pseudonym));
    const stored = await researchRows(opts.store, { from: 'baseline', to: 'month-6' });
    imacs = stored.imacs.filter((r) => ours.has(r.patient));
    scores = stored.scores.filter((r) => ours.has(r.patient));
    measures = stored.outcomes.filter((r) => ours.has(r.patient));
  } else {
    imacs = imacsResponders(cohort.cohort.visits, 'baseline', 'month-6');
    scores = withResponders(scoreRowsOf(slides, outcomes), imacs);
    measures = outcomeRows(cohort.cohort.visits);
  }
  return {
    cohort,
    outcomes,
    rendered,
    imacs,
    scores,
    measures,
    table: demoComparisonTable(scores, measures),
    seconds: (performance.now() - started) / 1000,
  };
}
