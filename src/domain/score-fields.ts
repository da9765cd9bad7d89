import { z } from 'zod';
import { CELL_LOCATIONS } from './cell-location.js';
import { MARKERS, MarkerId, ScorerId, findMarker } from './marker.js';
import { QC_CAUSE_IDS } from './qc.js';

/**
 * A score as every output names and shows it. Where a field is read from is a list of dotted
 * paths into a slide's `{ scores, markerScores, qc }` (the API's score JSON, the viewer's slide
 * entry; `qc` is the quality-control summary, src/domain/qc.ts): the first that holds a value wins, so `density` is the marker's own density when its
 * scorer ran and the positive-cell density otherwise. Paths instead of accessor functions keep
 * this table plain data: domain cannot import the MarkerScores type (src/score), and the browser
 * viewer reads the same table as JSON (GET /score-fields).
 */
export const ScoreField = z.object({
  /** the name in JSON, in exports and in `compare --score` */
  name: z.string().regex(/^[a-z][A-Za-z0-9_]*$/),
  from: z.array(z.string().regex(/^(scores|markerScores|qc)(\.[A-Za-z0-9]+)+$/)).min(1),
  unit: z.string().min(1),
  description: z.string().min(1),
  /** the markers that have the score: those that run this scorer ('area' runs for every marker) */
  scorer: ScorerId,
  kind: z.enum(['number', 'boolean', 'text']),
  /** CSV column, units in the name (both CSV writers) */
  csv: z.string().regex(/^[a-z0-9_]+$/),
  /** slide_scores column of a stored SlideScores field (src/store/migrations); null for the others */
  column: z.string().regex(/^[a-z0-9_]+$/).nullable(),
  /** short label (CLI table heading, viewer row) */
  label: z.string().min(1),
  /** decimals shown (CLI, viewer); whole numbers are shown without any */
  digits: z.number().int().min(0).max(6),
  /** comparable across a cohort (`compare --score`, cohort exports) */
  compare: z.boolean(),
  /** one of the headline scores: a CLI table column, a viewer panel row */
  summary: z.boolean(),
});
export type ScoreField = z.infer<typeof ScoreField>;

type Entry = Omit<ScoreField, 'column' | 'compare' | 'summary' | 'kind'> & Partial<Pick<ScoreField, 'column' | 'compare' | 'summary' | 'kind'>>;

const PER_MM2 = '1/mm²';
const QC_CAUSE_LABEL: Record<(typeof QC_CAUSE_IDS)[number], string> = { focus: 'out of focus', fold: 'tissue fold', ice: 'freezing artefact', pen: 'pen mark', bubble: 'air bubble or debris' };
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

/** One SlideScores field: read from `scores.<name>`, stored in `column`. */
const slide = (name: string, column: string, e: Omit<Entry, 'name' | 'from' | 'column'>): Entry => ({ name, from: [`scores.${name}`], column, ...e });

const ENTRIES: Entry[] = [
  {
    name: 'density',
    from: ['markerScores.cd163.positiveCellsPerMm2', 'markerScores.infiltrates.cellsPerMm2', 'scores.positiveCellsPerMm2'],
    unit: PER_MM2,
    description: "the marker's own cells per mm² of tissue: CD163+ macrophages for CD163, marker-positive infiltrating cells for the lymphocyte / leukocyte / macrophage markers, positive cells otherwise",
    scorer: 'cells',
    csv: 'density_per_mm2',
    label: 'Density / mm²',
    digits: 1,
    compare: true,
  },
  slide('tissueAreaMm2', 'tissue_area_mm2', { scorer: 'area', unit: 'mm²', description: 'tissue area analysed', csv: 'tissue_area_mm2', label: 'Tissue mm²', digits: 3, summary: true }),
  slide('cells', 'cells', { scorer: 'cells', unit: 'count', description: 'detected nucleated cells', csv: 'cells', label: 'Cells', digits: 0, summary: true }),
  slide('cellsPerMm2', 'cells_per_mm2', { scorer: 'cells', unit: PER_MM2, description: 'all detected nucleated cells per mm² of tissue', csv: 'cells_per_mm2', label: 'Cells / mm²', digits: 1, compare: true, summary: true }),
  slide('positiveCells', 'positive_cells', { scorer: 'cells', unit: 'count', description: 'cells graded ≥ 1+', csv: 'positive_cells', label: 'Positive cells', digits: 0, summary: true }),
  slide('positiveCellsPerMm2', 'positive_cells_per_mm2', { scorer: 'cells', unit: PER_MM2, description: 'cells graded ≥ 1+ per mm² of tissue', csv: 'positive_cells_per_mm2', label: 'Positive / mm²', digits: 1, compare: true, summary: true }),
  slide('pctNegative', 'pct_negative', { scorer: 'cells', unit: '% of cells', description: 'cells graded 0', csv: 'pct_negative_cells', label: '% negative', digits: 1 }),
  slide('pct1', 'pct_1plus', { scorer: 'cells', unit: '% of cells', description: 'cells graded 1+', csv: 'pct_1plus_cells', label: '% 1+', digits: 1, summary: true }),
  slide('pct2', 'pct_2plus', { scorer: 'cells', unit: '% of cells', description: 'cells graded 2+', csv: 'pct_2plus_cells', label: '% 2+', digits: 1, summary: true }),
  slide('pct3', 'pct_3plus', { scorer: 'cells', unit: '% of cells', description: 'cells graded 3+', csv: 'pct_3plus_cells', label: '% 3+', digits: 1, summary: true }),
  slide('pctPositive', 'pct_positive', { scorer: 'cells', unit: '% of cells', description: 'cells graded ≥ 1+', csv: 'pct_positive_cells', label: '% positive', digits: 1, compare: true, summary: true }),
  slide('hScore', 'h_score', { scorer: 'cells', unit: '0–300', description: 'cell H-score: 1·%1+ + 2·%2+ + 3·%3+', csv: 'h_score_0_300', label: 'H-score', digits: 1, compare: true, summary: true }),
  slide('allredProportion', 'allred_proportion', { scorer: 'cells', unit: '0–5', description: 'Allred proportion score', csv: 'allred_proportion_0_5', label: 'Allred PS', digits: 0 }),
  slide('allredIntensity', 'allred_intensity', { scorer: 'cells', unit: '0–3', description: 'Allred intensity score', csv: 'allred_intensity_0_3', label: 'Allred IS', digits: 0 }),
  slide('allred', 'allred', { scorer: 'cells', unit: '0–8', description: 'Allred score: proportion + intensity, 0 or 2–8', csv: 'allred_0_8', label: 'Allred', digits: 0, compare: true, summary: true }),
  slide('pctPositiveArea', 'pct_positive_area', { scorer: 'area', unit: '% of tissue', description: 'DAB-positive tissue pixels', csv: 'pct_positive_area', label: '% DAB area', digits: 2, compare: true, summary: true }),
  slide('pixelHScore', 'pixel_h_score', { scorer: 'area', unit: '0–300', description: 'pixel-wise H-score over tissue pixels graded by DAB OD', csv: 'pixel_h_score_0_300', label: 'Pixel H-score', digits: 1, compare: true, summary: true }),
  ...CELL_LOCATIONS.map((l): Entry => ({
    name: `density_${l}`,
    from: [`markerScores.cd163.byLocation.${l}.cellsPerMm2`, `markerScores.infiltrates.byLocation.${l}.cellsPerMm2`],
    unit: PER_MM2,
    description: `the marker's own ${l} cells per mm² of tissue`,
    scorer: 'infiltrates',
    csv: `density_${l}_per_mm2`,
    label: `Density ${l} / mm²`,
    digits: 1,
    compare: true,
  })),
  { name: 'cd163PositiveCellsPerMm2', from: ['markerScores.cd163.positiveCellsPerMm2'], unit: PER_MM2, description: 'CD163+ macrophages per mm² of tissue', scorer: 'cd163', csv: 'cd163_positive_cells_per_mm2', label: 'CD163+ cells / mm²', digits: 2 },
  { name: 'cd163PctPositiveArea', from: ['markerScores.cd163.pctPositiveArea'], unit: '% of tissue', description: 'CD163-positive tissue pixels', scorer: 'cd163', csv: 'cd163_pct_positive_area', label: '% CD163+ area', digits: 2 },
  ...CELL_LOCATIONS.map((l): Entry => ({
    name: `cd163${cap(l)}PerMm2`,
    from: [`markerScores.cd163.byLocation.${l}.cellsPerMm2`],
    unit: PER_MM2,
    description: `${l} CD163+ macrophages per mm² of tissue`,
    scorer: 'cd163',
    csv: `cd163_${l}_per_mm2`,
    label: `CD163+ ${l} / mm²`,
    digits: 2,
  })),
  { name: 'infiltrateCellsPerMm2', from: ['markerScores.infiltrates.cellsPerMm2'], unit: PER_MM2, description: 'infiltrating marker-positive cells per mm² of tissue', scorer: 'infiltrates', csv: 'infiltrate_cells_per_mm2', label: 'Infiltrate cells / mm²', digits: 2 },
  ...CELL_LOCATIONS.map((l): Entry => ({
    name: `infiltrate${cap(l)}PerMm2`,
    from: [`markerScores.infiltrates.byLocation.${l}.cellsPerMm2`],
    unit: PER_MM2,
    description: `${l} infiltrating cells per mm² of tissue`,
    scorer: 'infiltrates',
    csv: `infiltrate_${l}_per_mm2`,
    label: `Infiltrate ${l} / mm²`,
    digits: 2,
  })),
  ...CELL_LOCATIONS.map((l): Entry => ({
    name: `infiltrate${cap(l)}Grade`,
    from: [`markerScores.infiltrates.byLocation.${l}.grade`],
    unit: '0–4',
    description: `${l} infiltrate grade (juvenile DM score tool)`,
    scorer: 'infiltrates',
    csv: `infiltrate_${l}_grade`,
    label: `Infiltrate ${l} grade`,
    digits: 0,
  })),
  ...CELL_LOCATIONS.map((l): Entry => ({
    name: `clusters${cap(l)}`,
    from: [`markerScores.infiltrates.byLocation.${l}.clusters`],
    unit: 'count',
    description: `${l} clusters of marker-positive cells`,
    scorer: 'infiltrates',
    csv: `clusters_${l}`,
    label: `Clusters ${l}`,
    digits: 0,
  })),
  { name: 'clusters', from: ['markerScores.infiltrates.clusters.length'], unit: 'count', description: 'clusters of ≥ 10 marker-positive cells', scorer: 'infiltrates', csv: 'clusters', label: 'Clusters', digits: 0, compare: true },
  { name: 'expressed', from: ['markerScores.il1.expressed'], unit: '0/1', description: 'IL-1 family "expressed" call', scorer: 'il1', kind: 'boolean', csv: 'il1_expressed', label: 'Expressed', digits: 0, compare: true },
  { name: 'mhc1Fibres', from: ['markerScores.mhc1.fibres'], unit: 'count', description: 'segmented muscle fibres', scorer: 'mhc1', csv: 'mhc1_fibres', label: 'Fibres', digits: 0 },
  { name: 'mhc1PositiveFibres', from: ['markerScores.mhc1.positive'], unit: 'count', description: 'MHC-I positive fibres', scorer: 'mhc1', csv: 'mhc1_positive_fibres', label: 'Positive fibres', digits: 0 },
  { name: 'mhc1PctPositive', from: ['markerScores.mhc1.percentPositive'], unit: '% of fibres', description: 'MHC-I positive fibres', scorer: 'mhc1', csv: 'mhc1_pct_positive_fibres', label: '% positive fibres', digits: 1, compare: true },
  { name: 'mhc1Grade', from: ['markerScores.mhc1.grade'], unit: '0–5', description: 'MHC-I grade (Das et al.)', scorer: 'mhc1', csv: 'mhc1_grade', label: 'Grade (0–5, Das et al.)', digits: 0, compare: true },
  { name: 'mhc1Pattern', from: ['markerScores.mhc1.pattern'], unit: 'none, diffuse, focal or perifascicular', description: 'MHC-I distribution pattern', scorer: 'mhc1', kind: 'text', csv: 'mhc1_pattern', label: 'Pattern', digits: 0 },
  // quality control (src/domain/qc.ts): every marker's slides, when QC ran; last, as an annotation of the scores above
  {
    name: 'qcVerdict',
    from: ['qc.verdict'],
    unit: 'ok, review or fail',
    description: 'automatic quality control verdict: review above params.qc.reviewPct % of the tissue excluded, fail above failPct %; empty when QC did not run',
    scorer: 'area',
    kind: 'text',
    csv: 'qc_verdict',
    label: 'QC',
    digits: 0,
    summary: true,
  },
  { name: 'qcExcludedPct', from: ['qc.excludedPct.any'], unit: '% of tissue', description: 'tissue excluded from every score by quality control, all causes', scorer: 'area', csv: 'qc_excluded_pct', label: 'QC excluded %', digits: 1, summary: true },
  ...QC_CAUSE_IDS.map((c): Entry => ({
    name: `qcExcluded${cap(c)}Pct`,
    from: [`qc.excludedPct.${c}`],
    unit: '% of tissue',
    description: `tissue excluded by quality control as ${QC_CAUSE_LABEL[c]}`,
    scorer: 'area',
    csv: `qc_excluded_${c}_pct`,
    label: `QC ${c} %`,
    digits: 1,
  })),
];

const unique = (key: 'name' | 'csv' | 'column') => (fields: ScoreField[], ctx: z.RefinementCtx) => {
  const seen = new Set<string>();
  for (const f of fields) {
    const v = f[key];
    if (v === null) continue;
    if (seen.has(v)) ctx.addIssue({ code: 'custom', message: `two score fields have the ${key} "${v}"` });
    seen.add(v);
  }
};

/** Every score field, in the order the outputs list them. The one table: everything else derives from it. */
export const SCORE_FIELDS: readonly ScoreField[] = z
  .array(ScoreField)
  .superRefine(unique('name'))
  .superRefine(unique('csv'))
  .superRefine(unique('column'))
  .superRefine((fields, ctx) => {
    for (const f of fields) if (f.compare && f.kind === 'text') ctx.addIssue({ code: 'custom', message: `score field ${f.name} is text and cannot be compared` });
  })
  .parse(ENTRIES.map((e) => ({ kind: 'number', column: null, compare: false, summary: false, ...e })));

/** A score value as read from a slide: a number, the IL-1 call, or a text such as the MHC-I pattern. */
export type FieldValue = number | boolean | string;

function walk(value: unknown, path: string): unknown {
  let v = value;
  for (const key of path.split('.')) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/**
 * Whether slides of `marker` have the field: the marker runs the field's scorer. A slide with no
 * marker, or one the registry does not know, is scored by the generic cell pipeline and has the
 * 'area' and 'cells' fields.
 */
export function markerHasField(field: Pick<ScoreField, 'scorer'>, marker: string | null | undefined): boolean {
  const spec = marker ? findMarker(marker) : undefined;
  return spec ? spec.scorers.includes(field.scorer) : field.scorer === 'area' || field.scorer === 'cells';
}

/** The marker a slide entry was scored as: the marker scores' own, else the slide's `marker` when it has one. */
function slideMarker(slide: { markerScores: object | null; marker?: string | null }): string | null | undefined {
  const m = (slide.markerScores as { marker?: unknown } | null)?.marker;
  return typeof m === 'string' ? m : slide.marker;
}

/**
 * The field's value for a slide; undefined when the slide has none: its marker does not run the
 * field's scorer (no cell H-score on an MHC-I slide, no MHC-I grade on a CD163 slide) or the
 * scorer gave nothing.
 */
export function fieldValue(field: ScoreField, slide: { scores: object; markerScores: object | null; qc?: object | null; marker?: string | null }): FieldValue | undefined {
  if (!markerHasField(field, slideMarker(slide))) return undefined;
  for (const path of field.from) {
    const v = walk(slide, path);
    if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  }
  return undefined;
}

/** The SlideScores field a stored field reads (`scores.<key>`), for the fields with a store column. */
export function slideScoreKey(field: ScoreField): string | undefined {
  return field.column !== null && field.from.length === 1 && field.from[0].startsWith('scores.') ? field.from[0].slice('scores.'.length) : undefined;
}

/**
 * The shown text of a value: whole numbers as they are, others with the field's decimals,
 * booleans as yes / no, and '–' for a missing or undefined (NaN) value.
 */
export function formatField(field: Pick<ScoreField, 'digits'>, v: FieldValue | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(field.digits);
}

/**
 * A slide's SlideScores as shown and stored: the fields its marker has (markerHasField); the
 * others are left out. The marker's own scores (markerScores) hold only what its scorers ran.
 */
export function scoresForMarker<T extends object>(scores: T, marker: string | null | undefined): Partial<T> {
  const out: Partial<T> = { ...scores };
  for (const f of SCORE_FIELDS) {
    const key = slideScoreKey(f);
    if (key !== undefined && key in out && !markerHasField(f, marker)) delete (out as Record<string, unknown>)[key];
  }
  return out;
}

/** The markers whose slides have the field: those whose registry entry runs its scorer. */
export function markersOf(field: Pick<ScoreField, 'scorer'>): MarkerId[] {
  return MARKERS.filter((m) => m.scorers.includes(field.scorer)).map((m) => m.id);
}

/** A field as served to clients (GET /score-fields): the table entry and the markers it applies to. */
export const ScoreFieldJson = ScoreField.extend({ markers: z.array(MarkerId).describe('markers whose slides have this score') });
export type ScoreFieldJson = z.infer<typeof ScoreFieldJson>;

export function scoreFieldsJson(): ScoreFieldJson[] {
  return SCORE_FIELDS.map((f) => ({ ...f, markers: markersOf(f) }));
}
