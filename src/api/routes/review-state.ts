import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { correctionEffects, CorrectionInput, type Correction } from '../../domain/corrections.js';
import { ReviewAction, ReviewState } from '../../domain/review-state.js';
import { StoreNotFoundError } from '../../errors/index.js';
import { finishedAnalysis } from '../../pipeline/rescore-analysis.js';
import { addCorrectionRescored, changeReviewRescored, liveReview, type LiveReview } from '../../pipeline/review-analysis.js';
import type { ApiDeps } from '../deps.js';
import { allow, creatorOf, principalOf } from '../auth.js';
import { scoreJson } from '../json-views.js';
import { Problem, ScoreJson } from '../schemas.js';

const security = [{ bearer: [] }];
const AnalysisParam = z.object({ id: z.coerce.number().int().positive() });
const SignedParam = AnalysisParam.extend({ version: z.coerce.number().int().positive() });
const who = z.string().describe('token:<id> (cli for the command line)');

const CorrectionJson = z.object({
  seq: z.number().int().describe('1, 2, … per analysis; corrections up to a seq are a correction set'),
  kind: z.enum(['reclassify', 'delete', 'add', 'fibre', 'revert']),
  target: z.string().describe("cell:<tileId>:<seq>, fibre:<tileId>:<index> or added:<seq> (an add's own seq)"),
  payload: z.record(z.string(), z.unknown()),
  author: who,
  createdAt: z.string(),
});

const SignOffJson = z.object({
  version: z.number().int(),
  author: who,
  signedAt: z.string(),
  regionVersion: z.number().int().describe('the region version signed on (0: the whole slide)'),
  correctionSeq: z.number().int().describe('the correction set signed on: every correction with seq ≤ this'),
  corrections: z.number().int().describe('corrections in effect in the signed scores'),
});

const ReviewJson = z.object({
  analysisId: z.number().int(),
  state: ReviewState,
  version: z.number().int().describe('0 while analysed; the signed version when signed off; the version in progress otherwise'),
  regionVersion: z.number().int().describe('the latest region version (0: none)'),
  correctionSeq: z.number().int().describe('the latest correction (0: none)'),
  signOffs: z.array(SignOffJson).describe('every signed version, oldest first; GET /analyses/{id}/review/signed/{version} has its scores'),
  scores: ScoreJson.describe('the live scores: the latest regions and every correction applied'),
});

const CorrectionsJson = z.object({
  analysisId: z.number().int(),
  corrections: z.array(CorrectionJson).describe('every correction, oldest first (append-only)'),
  inEffect: z.array(z.object({ target: z.string(), effect: z.record(z.string(), z.unknown()) })).describe('what each corrected target is now (the latest correction per target wins)'),
});

const SignedJson = SignOffJson.extend({ analysisId: z.number().int(), scores: ScoreJson.describe('the scores as signed') });

const AuditJson = z.object({
  id: z.number().int(),
  actor: who,
  action: z.enum(['regions.save', 'correction.add', 'review.start', 'review.sign_off', 'review.reopen']),
  target: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  state: ReviewState.describe('the review state after the change'),
  version: z.number().int().describe('the review version after the change'),
  createdAt: z.string(),
});

const ReviewBody = z.object({ action: ReviewAction.describe('start (analysed → in_review), sign_off (in_review → signed_off), reopen (signed_off → in_review, next version)') }).strict();

function correctionJson(c: Correction): z.infer<typeof CorrectionJson> {
  return { seq: c.seq, kind: c.kind, target: c.target, payload: c.payload, author: c.author, createdAt: c.createdAt.toISOString() };
}

function reviewJson(analysisId: number, r: LiveReview): z.infer<typeof ReviewJson> {
  const { status, rescoring } = r;
  return {
    analysisId,
    state: status.state,
    version: status.version,
    regionVersion: rescoring.regions?.version ?? 0,
    correctionSeq: rescoring.correctionSeq,
    signOffs: status.signOffs.map((s) => ({ ...s, signedAt: s.signedAt.toISOString() })),
    scores: scoreJson({
      ...rescoring.row,
      scores: rescoring.scores,
      markerScores: rescoring.markerScores,
      qc: rescoring.qc,
      review: { state: status.state, version: status.version, corrections: rescoring.corrections },
    }),
  };
}

/**
 * The pathologist's corrections, review state and sign-off, and the audit log (issue 12). Readers
 * read; a pathologist (or admin) corrects and moves the review on. Every write answers the scores
 * re-computed after it, so a viewer's score panel follows each edit.
 */
export function reviewStateRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const errors = { 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem };

    app.get('/analyses/:id/corrections', {
      onRequest: allow(deps.tokens, 'reader', 'pathologist'),
      schema: { summary: "An analysis' corrections, oldest first, and what each corrected cell or fibre is now", tags: ['review'], security, params: AnalysisParam, response: { 200: CorrectionsJson, ...errors } },
    }, async (req) => {
      await finishedAnalysis(deps.store, req.params.id);
      const corrections = await deps.store.listCorrections(req.params.id);
      const inEffect = [...correctionEffects(corrections)].map(([target, effect]) => ({ target, effect: effect as Record<string, unknown> }));
      return { analysisId: req.params.id, corrections: corrections.map(correctionJson), inEffect };
    });

    app.post('/analyses/:id/corrections', {
      onRequest: allow(deps.tokens, 'pathologist'),
      schema: {
        summary: 'Corrects one cell or fibre (reclassify, delete, add at level-0 px, flip MHC-I, revert) over the stored output and answers the re-computed scores; refused (409) on a signed-off review',
        tags: ['review'],
        security,
        params: AnalysisParam,
        body: CorrectionInput,
        response: { 201: ReviewJson.extend({ correction: CorrectionJson }), 400: Problem, ...errors },
      },
    }, async (req, reply) => {
      const r = await addCorrectionRescored(deps.store, req.params.id, req.body, creatorOf(principalOf(req)));
      return reply.code(201).send({ ...reviewJson(req.params.id, r), correction: correctionJson(r.correction) });
    });

    app.get('/analyses/:id/review', {
      onRequest: allow(deps.tokens, 'reader', 'pathologist'),
      schema: { summary: "An analysis' review state and version, its signed versions and the live scores", tags: ['review'], security, params: AnalysisParam, response: { 200: ReviewJson, ...errors } },
    }, async (req) => reviewJson(req.params.id, await liveReview(deps.store, req.params.id)));

    app.post('/analyses/:id/review', {
      onRequest: allow(deps.tokens, 'pathologist'),
      schema: {
        summary: 'Moves the review on: start, sign_off (freezes the region version, correction set and scores as the signed version) or reopen (the next version); 409 when the state does not allow it',
        tags: ['review'],
        security,
        params: AnalysisParam,
        body: ReviewBody,
        response: { 200: ReviewJson, 400: Problem, ...errors },
      },
    }, async (req) => reviewJson(req.params.id, await changeReviewRescored(deps.store, req.params.id, req.body.action, creatorOf(principalOf(req)))));

    app.get('/analyses/:id/review/signed/:version', {
      onRequest: allow(deps.tokens, 'reader', 'pathologist'),
      schema: { summary: 'A signed version: what it was signed on and the scores as signed', tags: ['review'], security, params: SignedParam, response: { 200: SignedJson, ...errors } },
    }, async (req) => {
      const row = await finishedAnalysis(deps.store, req.params.id);
      const s = await deps.store.getSignOff(req.params.id, req.params.version);
      if (!s) throw new StoreNotFoundError(`analysis ${req.params.id} has no signed version ${req.params.version}`);
      const scores = scoreJson({ ...row, scores: s.scores, markerScores: s.markerScores, qc: s.qc, review: { state: 'signed_off', version: s.version, corrections: s.corrections } });
      return { analysisId: s.analysisId, version: s.version, author: s.author, signedAt: s.signedAt.toISOString(), regionVersion: s.regionVersion, correctionSeq: s.correctionSeq, corrections: s.corrections, scores };
    });

    app.get('/analyses/:id/audit', {
      onRequest: allow(deps.tokens, 'reader', 'pathologist'),
      schema: { summary: "An analysis' audit log, oldest first: every region save, correction, state change, sign-off and reopen, with who, when, before and after", tags: ['review'], security, params: AnalysisParam, response: { 200: z.array(AuditJson), ...errors } },
    }, async (req) => {
      if (!(await deps.store.getAnalysis(req.params.id))) throw new StoreNotFoundError(`analysis ${req.params.id} does not exist`);
      return (await deps.store.listAudit(req.params.id)).map((e) => ({ ...e, createdAt: e.createdAt.toISOString() }));
    });
  };
}
