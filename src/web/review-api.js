// The review routes as the viewer calls them (issue 12): regions, the review state and its
// actions, corrections and the audit log. Nothing here answers for the server.

import { request } from './http.js';

/** The calling token's role ('reader', 'pathologist', 'admin', …). */
export const whoAmI = (token) => request(token, '/tokens/me');

/** Analyses awaiting review, in patient → timepoint order. */
export const reviewQueue = (token) => request(token, '/review/queue');

/** The latest region version (or `version`) with every score re-computed inside it. */
export const getRegions = (token, analysisId, version) =>
  request(token, `/analyses/${analysisId}/regions${version === undefined ? '' : `?version=${version}`}`);

/** Saves `regions` as the next version; 409 (ApiError) when `baseVersion` is no longer the latest. */
export const putRegions = (token, analysisId, regions, baseVersion) =>
  request(token, `/analyses/${analysisId}/regions`, { method: 'PUT', body: { regions, baseVersion } });

/** Roles that may save regions, correct and sign off: the server's rule, repeated only to hide tools. */
export const REVIEWER_ROLES = ['pathologist', 'admin'];

/** `correction`: { kind: 'reclassify' | 'delete' | 'add' | 'fibre' | 'revert', … } as POST /analyses/:id/corrections takes it (not in the viewer's tools yet). */
export const postCorrection = (token, analysisId, correction) => request(token, `/analyses/${analysisId}/corrections`, { method: 'POST', body: correction });
export const getCorrections = (token, analysisId) => request(token, `/analyses/${analysisId}/corrections`);
export const getReviewState = (token, analysisId) => request(token, `/analyses/${analysisId}/review`);
/** `action`: 'start' | 'sign_off' | 'reopen'. */
export const postReviewAction = (token, analysisId, action) => request(token, `/analyses/${analysisId}/review`, { method: 'POST', body: { action } });
export const getAudit = (token, analysisId) => request(token, `/analyses/${analysisId}/audit`);
