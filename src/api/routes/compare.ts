import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CompareRequest, runComparison } from '../../cohort/compare-request.js';
import { PlotRequest, researchPlotSvg } from '../../cohort/research-plots.js';
import { researchRows } from '../../cohort/research-rows.js';
import { allow } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { Problem, SignedOffFlag } from '../schemas.js';
import { parseCohortQuery } from './cohort-query.js';

const security = [{ bearer: [] }];
const text = (description: string) => z.string().min(1).optional().describe(description);

// flat and typed for the validator and the OpenAPI document; the cohort vocabulary (markers,
// scores, timepoints, measures) is checked by CompareRequest / PlotRequest afterwards
const Selection = {
  marker: text('marker, any registry spelling (CD163, IL-1Ra, MHC-I …)'),
  score: text('score name (density, pctPositiveArea, hScore, expressed, mhc1Grade, density_perimysial …)'),
  timepoint: text('timepoint of the score (groups, correlation, fisher; default baseline)'),
  signedOff: SignedOffFlag,
  model: text("only analyses whose nuclei this detector found: its stored model id ('classical-watershed-1', 'nuclei-unet@<hash>')"),
};
const CompareQuery = z.object({
  kind: z.enum(['paired', 'groups', 'correlation', 'fisher', 'table']),
  ...Selection,
  from: text('paired: first timepoint (default baseline)'),
  to: text('paired: second timepoint (default month-6)'),
  by: z.literal('responder').optional().describe('paired: one row per responder group'),
  outcome: text('correlation: visit measure (fi2, mmt8, ck …)'),
  at: text('correlation: timepoint of the outcome'),
  changeFrom: text('correlation: use the change of the outcome since this timepoint'),
  of: z.enum(['paired', 'groups', 'correlation', 'fisher']).optional().describe('table: which comparison (default paired)'),
  markers: text('table: comma-separated markers (default all)'),
  scores: text('table: comma-separated scores (default all)'),
});

const Group = z.object({ label: z.string(), n: z.number().int(), median: z.number().nullable(), q1: z.number().nullable(), q3: z.number().nullable(), events: z.number().int().optional() });
const ComparisonJson = z.object({
  test: z.enum(['wilcoxon-signed-rank', 'mann-whitney', 'spearman', 'fisher-exact']),
  marker: z.string(),
  score: z.string(),
  comparison: z.string(),
  n: z.number().int(),
  groups: z.array(Group),
  effectSize: z.number().nullable(),
  effectSizeName: z.string(),
  statistic: z.number().nullable(),
  statisticName: z.string(),
  p: z.number().nullable(),
  q: z.number().nullable(),
  method: z.string(),
  quantileMethod: z.string(),
});

const SlopeQuery = z.object({ ...Selection, from: CompareQuery.shape.from, to: CompareQuery.shape.to });
const BoxQuery = z.object(Selection);
const ScatterQuery = z.object({ ...Selection, outcome: CompareQuery.shape.outcome, at: CompareQuery.shape.at, changeFrom: CompareQuery.shape.changeFrom });

/** Cohort comparisons and their plots, from the stored scores and visits. */
export function compareRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/compare', {
      onRequest: allow(deps.tokens, 'reader'),
      schema: {
        summary: 'Compare stored scores (?signedOff=true: signed-off analyses only, their scores as signed): paired (Wilcoxon signed-rank), groups (Mann–Whitney, responders vs non-responders), correlation (Spearman with an outcome), fisher (expressed calls), table (every marker × score, BH q). Each row: n, median and IQR per group, effect size, p, q, method.',
        tags: ['cohort'],
        security,
        querystring: CompareQuery,
        response: { 200: z.array(ComparisonJson), 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (req) => {
      const { signedOff, model, ...query } = req.query;
      const request = parseCohortQuery(CompareRequest, query);
      return runComparison(await researchRows(deps.store, { signedOff, modelId: model }), request);
    });

    const plots = [
      ['slope', SlopeQuery, 'Paired slope chart (SVG): one line per patient between two timepoints, coloured by IMACS response'],
      ['box', BoxQuery, 'Strip + box plot (SVG) of one score at one timepoint, responders vs non-responders'],
      ['scatter', ScatterQuery, 'Score vs outcome scatter (SVG) with Spearman ρ and p in the title'],
    ] as const;
    for (const [plot, querystring, summary] of plots) {
      app.get(`/plots/${plot}.svg`, {
        onRequest: allow(deps.tokens, 'reader'),
        schema: { summary, tags: ['cohort'], security, querystring, produces: ['image/svg+xml'], response: { 400: Problem, 401: Problem, 403: Problem, 404: Problem } },
      }, async (req, reply) => {
        const { signedOff, model, ...query } = req.query;
        const request = parseCohortQuery(PlotRequest, { ...query, plot });
        const svg = researchPlotSvg(await researchRows(deps.store, { signedOff, modelId: model }), request);
        return reply.type('image/svg+xml; charset=utf-8').send(svg as never);
      });
    }
  };
}
