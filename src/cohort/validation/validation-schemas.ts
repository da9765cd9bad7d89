import { z } from 'zod';
import { BiopsyKey, MarkerLabel, TimepointLabel } from '../../domain/names.js';
import { RaterId } from '../../domain/manual-score.js';

/**
 * What a method comparison is asked (the CLI's options, GET /validation's query) and what it
 * answers, as zod schemas: the types come from them and the API's OpenAPI document too. Interval
 * bounds are null where a statistic's bound is infinite (Passing–Bablok on few items).
 */
export const ValidationRequest = z.object({
  /** a score of the catalogue (src/cohort/validation/score-scale.ts) */
  score: z.string().min(1),
  marker: MarkerLabel.optional(),
  timepoint: TimepointLabel.optional(),
  /** raters to compare (default: every rater with reads of the score) */
  raters: z.array(RaterId).min(1).optional(),
  /** biopsies `<patient>:<timepoint>` to compare (default: all) */
  slides: z.array(BiopsyKey).min(1).optional(),
  /** only slides whose analysis is signed off, with the tool's scores as signed (issue 12) */
  signedOffOnly: z.boolean().default(false),
});
export type ValidationRequest = z.input<typeof ValidationRequest>;

const Bound = z.number().nullable();
export const Interval = z.object({ lower: Bound, upper: Bound });

export const ScoreScaleJson = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('count') }),
  z.object({ kind: z.literal('continuous'), min: z.number(), max: z.number().nullable() }),
  z.object({ kind: z.literal('ordinal'), levels: z.array(z.number()) }),
  z.object({ kind: z.literal('binary') }),
]);

export const BlandAltmanJson = z.object({
  n: z.number().int(),
  bias: z.number(),
  biasCi: Interval,
  sd: z.number(),
  lower: z.number(),
  lowerCi: Interval,
  upper: z.number(),
  upperCi: Interval,
});
export type BlandAltmanJson = z.infer<typeof BlandAltmanJson>;

export const PairAgreement = z.object({
  /** the method under test: 'tool', or a rater */
  a: z.string(),
  /** the method it is compared with (a rater); differences are a − b, ratios a / b */
  b: z.string(),
  kind: z.enum(['tool-vs-rater', 'rater-vs-rater']),
  n: z.number().int(),
  points: z.array(z.object({ slide: z.string(), a: z.number(), b: z.number() })),
  blandAltman: BlandAltmanJson.nullable(),
  /** counts: Bland–Altman of ln a − ln b, back-transformed to ratios a / b */
  ratio: BlandAltmanJson.extend({ excluded: z.number().int() }).nullable(),
  ccc: z.object({ ccc: z.number(), ci: Interval, pearson: z.number(), cb: z.number() }).nullable(),
  passingBablok: z.object({ slope: z.number(), slopeCi: Interval, intercept: z.number(), interceptCi: Interval }).nullable(),
  kappa: z.object({ kappa: z.number(), se: z.number(), ci: Interval, po: z.number() }).nullable(),
  /** ordinal grades: quadratic-weighted κ */
  weightedKappa: z.object({ kappa: z.number(), se: z.number(), ci: Interval, po: z.number() }).nullable(),
  confusion: z.object({ categories: z.array(z.union([z.string(), z.number()])), counts: z.array(z.array(z.number().int())) }).nullable(),
  /** why a statistic is missing (too few items, no variation …) */
  notes: z.array(z.string()),
});
export type PairAgreement = z.infer<typeof PairAgreement>;

export const IccJson = z.object({
  n: z.number().int(),
  k: z.number().int(),
  methods: z.array(z.string()),
  forms: z.array(z.object({ form: z.string(), model: z.string(), icc: z.number(), ci: Interval, f: z.number(), df1: z.number(), df2: z.number(), p: z.number() })),
});
export type IccJson = z.infer<typeof IccJson>;

export const HumanSpread = z.object({
  /** what is compared, e.g. "width of the 95 % limits of agreement (ratio upper/lower)" */
  metric: z.string(),
  better: z.enum(['lower', 'higher']),
  toolVsRater: z.array(z.object({ rater: z.string(), value: z.number() })),
  raterVsRater: z.array(z.object({ a: z.string(), b: z.string(), value: z.number() })),
  /** every tool-vs-rater value at least as good as the worst rater-vs-rater one; null when there is no rater pair */
  inside: z.boolean().nullable(),
});

export const MarkerValidation = z.object({
  score: z.string(),
  marker: z.string(),
  label: z.string(),
  unit: z.string(),
  scale: ScoreScaleJson,
  raters: z.array(z.string()),
  /** slides with a value from the tool or at least one rater */
  slides: z.number().int(),
  pairs: z.array(PairAgreement),
  icc: z.object({ raters: IccJson.nullable(), withTool: IccJson.nullable(), notes: z.array(z.string()) }),
  spread: HumanSpread.nullable(),
});
export type MarkerValidation = z.infer<typeof MarkerValidation>;

export const ValidationReport = z.object({
  score: z.string(),
  signedOffOnly: z.boolean(),
  confidence: z.number(),
  results: z.array(MarkerValidation),
  /** every method used, as the report states it */
  methods: z.array(z.string()),
});
export type ValidationReport = z.infer<typeof ValidationReport>;
