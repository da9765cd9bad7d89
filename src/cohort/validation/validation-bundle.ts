import type { Store } from '../../store/store.js';
import { validationReportHtml } from './report-html.js';
import { storedSlideValues } from './tool-values.js';
import { runValidation } from './validation.js';
import { validationPlots, type ValidationPlot } from './validation-plots.js';
import { ValidationRequest, type ValidationReport } from './validation-schemas.js';

/** A finished comparison with everything a lab files: the figures, each as its own SVG, and the report. */
export interface ValidationBundle {
  report: ValidationReport;
  plots: ValidationPlot[];
  html: string;
}

/** The request in words, for the report's header. */
export function describeRequest(input: ValidationRequest): string {
  const r = ValidationRequest.parse(input);
  return [
    `Score ${r.score}`,
    r.marker ? `marker ${r.marker}` : 'every marker with the score',
    r.timepoint ? `timepoint ${r.timepoint}` : null,
    r.raters ? `raters ${r.raters.join(', ')}` : 'every rater with reads',
    r.slides ? `biopsies ${r.slides.join(', ')}` : 'every slide',
  ]
    .filter(Boolean)
    .join('; ');
}

/** Figures and report of a computed comparison; `generatedAt` makes the page reproducible in tests. */
export function renderValidation(report: ValidationReport, request: ValidationRequest, generatedAt = new Date().toISOString()): ValidationBundle {
  const byMarker = new Map(report.results.map((r) => [r.marker, validationPlots(r)]));
  const html = validationReportHtml(report, byMarker, { generatedAt, request: describeRequest(request) });
  return { report, plots: [...byMarker.values()].flat(), html };
}

/**
 * The comparison from what the store holds: the tool's latest analysis of each slide (the latest
 * signed-off one, with its scores as signed, when `signedOffOnly`) and the stored manual reads.
 */
export async function validateFromStore(store: Store, input: ValidationRequest): Promise<ValidationBundle> {
  const request = ValidationRequest.parse(input);
  const [stored, manual] = [await store.listScores({ signedOff: request.signedOffOnly }), await store.listManualScores({ score: request.score })];
  const report = runValidation(storedSlideValues(stored, request.score), manual, request);
  return renderValidation(report, request);
}
