import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ImportSource } from '../../cohort/import-table.js';
import { parseManualReads } from '../../cohort/validation/manual-import.js';
import { validateFromStore } from '../../cohort/validation/validation-bundle.js';
import { ValidationReport, ValidationRequest } from '../../cohort/validation/validation-schemas.js';
import { ManualScore } from '../../domain/manual-score.js';
import { CohortImportError } from '../../errors/index.js';
import { allow } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { Problem, SignedOffFlag } from '../schemas.js';
import { parseCohortQuery } from './cohort-query.js';

const security = [{ bearer: [] }];
const list = (description: string) => z.string().min(1).optional().describe(`${description} (comma-separated)`);

// flat for the validator and the OpenAPI document; ValidationRequest checks names afterwards
const ValidationQuery = z.object({
  score: z.string().min(1).describe('catalogue score: density, hScore, pctPositiveArea, mhc1PctPositive, mhc1Grade, expressed …'),
  marker: z.string().min(1).optional().describe('only this marker (any registry spelling)'),
  timepoint: z.string().min(1).optional(),
  raters: list('rater ids (default: every rater with reads)'),
  slides: list('biopsies <patient>:<timepoint> (default: all)'),
  signedOffOnly: SignedOffFlag.describe("true: only slides whose review is signed off, with the tool's scores as signed"),
  format: z.enum(['json', 'html']).default('json').describe('html: the self-contained report with every figure'),
});

const split = (s: string | undefined) => s?.split(',').map((x) => x.trim()).filter(Boolean);

const ImportIssueJson = z.object({ file: z.string(), row: z.number().int().nullable(), field: z.string().nullable(), message: z.string() });
const ImportProblem = Problem.extend({ issues: z.array(ImportIssueJson).optional() });
const ManualImportBody = z.object({ files: z.array(ImportSource).min(1).max(100) });

/** The method comparison (issue 17): manual reads in, and the tool against them out. */
export function validationRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/manual-scores', {
      onRequest: allow(deps.tokens, 'pathologist', 'submitter'),
      schema: {
        summary: "Import pathologists' manual reads: the texts of CSV (header row) or JSON files with patient, timepoint, marker, rater, date, score, value[, unit]. All or nothing: a 400 lists every file/row/field problem and nothing is stored; a read of a stored slide, rater and score replaces it.",
        tags: ['validation'],
        security,
        body: ManualImportBody,
        response: { 200: z.object({ stored: z.number().int(), replaced: z.number().int(), raters: z.array(z.string()) }), 400: ImportProblem, 401: Problem, 403: Problem },
      },
    }, async (req) => {
      const parsed = parseManualReads(req.body.files);
      if (!parsed.ok) throw new CohortImportError(parsed.issues, 'manual reads');
      return deps.store.importManualScores(parsed.reads);
    });

    app.get('/manual-scores', {
      onRequest: allow(deps.tokens, 'reader', 'pathologist'),
      schema: {
        summary: 'The stored manual reads, by score, marker, slide and rater',
        tags: ['validation'],
        security,
        querystring: z.object({ score: z.string().min(1).optional(), marker: z.string().min(1).optional(), raters: list('rater ids') }),
        response: { 200: z.array(ManualScore.extend({ timepoint: z.string(), marker: z.string() })), 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (req) => {
      const { score, marker, raters } = req.query;
      return deps.store.listManualScores({ score, marker, raters: split(raters) });
    });

    app.get('/validation', {
      onRequest: allow(deps.tokens, 'reader'),
      schema: {
        summary: "Method comparison of one score: the tool's value of each slide against each rater's manual read, and the raters against each other — Bland–Altman (ratio scale for counts), Lin's CCC, Passing–Bablok, κ and weighted κ with confusion matrices, ICCs, and whether the tool lies inside the raters' spread. format=html gives the report with every figure.",
        tags: ['validation'],
        security,
        querystring: ValidationQuery,
        produces: ['application/json', 'text/html'],
        response: { 200: ValidationReport, 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (req, reply) => {
      const { format, raters, slides, signedOffOnly, ...rest } = req.query;
      const request = parseCohortQuery(ValidationRequest, { ...rest, raters: split(raters), slides: split(slides), signedOffOnly: signedOffOnly ?? false });
      const bundle = await validateFromStore(deps.store, request);
      if (format === 'html') return reply.type('text/html; charset=utf-8').send(bundle.html as never);
      return bundle.report;
    });
  };
}
