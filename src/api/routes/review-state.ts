import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { correctionEffects, CorrectionInput } from '../../domain/corrections.js';
import { StoreNotFoundError } from '../../errors/index.js';
import { finishedAnalysis } from '../../pipeline/rescore-analysis.js';
import { addCorrectionRescored, changeReviewRescored, liveReview } from '../../pipeline/review-analysis.js';
import type { ApiDeps } from '../deps.js';
import { AuditJson, correctionJson, CorrectionJson, CorrectionsJson, ReviewBody, ReviewJson, reviewJson, SignedJson } from '../review-views.js';
import { allow, creatorOf, principalOf } from '../auth.js';
import { scoreJson } from '../json-views.js';
import { Problem } from '../schemas.js';

const security = [{ bearer: [] }];
const AnalysisParam = z.object({ id: z.coerce.number().int().positive() });
const SignedParam = AnalysisParam.extend({ version: z.coerce.number().int().positive() });

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
