import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisInput } from '../store/fixtures.js';
import { reviewTile, seedReviewAnalysis } from './seed-review.js';
import { bearer, openApi, type Api } from './setup.js';

let api: Api;
let analysisId: number;
let slideId: number;

beforeAll(async () => {
  api = await openApi();
  ({ slideId, analysisId } = await seedReviewAnalysis(api.store, 'review-state-api'));
});
afterAll(() => api.close());

type Method = 'GET' | 'POST' | 'PUT';
const call = (method: Method, url: string, token?: string, payload?: unknown) =>
  api.app.inject({ method, url, headers: token ? bearer(token) : {}, ...(payload === undefined ? {} : { payload: payload as string }) });
const json = <T = Record<string, unknown>>(res: { json: () => unknown }) => res.json() as T;

interface Review {
  state: string;
  version: number;
  regionVersion: number;
  correctionSeq: number;
  signOffs: { version: number; author: string; regionVersion: number; correctionSeq: number; corrections: number }[];
  scores: { reviewState: string; reviewVersion: number; corrections: number; scores: Record<string, number> };
}

// the seeded analysis: 16 cells graded 0,1,2,3,0,1,2,3,0,1 (tile 0) and 0,1,2,3,0,1 (tile 1): H-score 125
describe('corrections, review states and sign-off through the API (issue 12)', () => {
  const url = (rest = '') => `/analyses/${analysisId}${rest}`;

  it('before any edit: analysed, version 0, the stored scores, no corrections, an empty audit log', async () => {
    const r = await call('GET', url('/review'), api.token.reader);
    expect(r.statusCode, r.body).toBe(200);
    expect(json<Review>(r)).toMatchObject({ state: 'analysed', version: 0, regionVersion: 0, correctionSeq: 0, signOffs: [] });
    expect(json<Review>(r).scores).toMatchObject({ reviewState: 'analysed', reviewVersion: 0, corrections: 0 });
    expect(json<Review>(r).scores.scores.hScore).toBeCloseTo(125, 12);
    expect(json(await call('GET', url('/audit'), api.token.reader))).toEqual([]);
  });

  it('a pathologist reclassifies a cell: the answer has the re-computed H-score (+300/16), the review is started by it', async () => {
    const r = await call('POST', url('/corrections'), api.token.pathologist, { kind: 'reclassify', target: 'cell:0:0', grade: 3 });
    expect(r.statusCode, r.body).toBe(201);
    const body = json<Review & { correction: { seq: number; target: string; author: string } }>(r);
    expect(body.correction).toMatchObject({ seq: 1, target: 'cell:0:0', author: `token:${api.tokenId.pathologist}` });
    expect(body).toMatchObject({ state: 'in_review', version: 1, correctionSeq: 1 });
    expect(body.scores.corrections).toBe(1);
    expect(body.scores.scores.hScore).toBeCloseTo(125 + 300 / 16, 12);
    expect(body.scores.scores.positiveCells).toBe(12);
  });

  it('adding and deleting cells change the live counts exactly; an added cell is a target like any other', async () => {
    const add = await call('POST', url('/corrections'), api.token.pathologist, { kind: 'add', x: 100, y: 120, grade: 2 });
    expect(add.statusCode, add.body).toBe(201);
    expect(json<{ correction: { target: string } }>(add).correction.target).toBe('added:2');
    expect(json<Review>(add).scores.scores.cells).toBe(17);
    const del = await call('POST', url('/corrections'), api.token.admin, { kind: 'delete', target: 'cell:1:3' });
    expect(json<Review>(del).scores.scores).toMatchObject({ cells: 16, positiveCells: 12 });
    const reclassAdded = await call('POST', url('/corrections'), api.token.pathologist, { kind: 'reclassify', target: 'added:2', grade: 0 });
    expect(json<Review>(reclassAdded).scores.scores).toMatchObject({ cells: 16, positiveCells: 11 });
    const list = json<{ corrections: { seq: number; kind: string }[]; inEffect: { target: string; effect: Record<string, unknown> }[] }>(await call('GET', url('/corrections'), api.token.reader));
    expect(list.corrections.map((c) => [c.seq, c.kind])).toEqual([[1, 'reclassify'], [2, 'add'], [3, 'delete'], [4, 'reclassify']]);
    expect(list.inEffect).toEqual([
      { target: 'cell:0:0', effect: { kind: 'reclassify', grade: 3 } },
      { target: 'added:2', effect: { kind: 'add', x: 100, y: 120, grade: 0 } },
      { target: 'cell:1:3', effect: { kind: 'delete' } },
    ]);
  });

  it('refusals: a target the analysis lacks 404, a bad body 400, an added cell off the slide 400; nothing stored', async () => {
    const missing = await call('POST', url('/corrections'), api.token.pathologist, { kind: 'reclassify', target: 'cell:0:10', grade: 1 });
    expect(missing.statusCode).toBe(404);
    expect(json<{ message: string }>(missing).message).toContain(`analysis ${analysisId} has no cell:0:10`);
    expect((await call('POST', url('/corrections'), api.token.pathologist, { kind: 'reclassify', target: 'cell:0:1', grade: 4 })).statusCode).toBe(400);
    expect((await call('POST', url('/corrections'), api.token.pathologist, { kind: 'fibre', target: 'cell:0:1', mhc1Positive: true })).statusCode).toBe(400);
    expect((await call('POST', url('/corrections'), api.token.pathologist, { kind: 'fibre', target: 'fibre:0:0', mhc1Positive: true })).statusCode).toBe(404);
    const off = await call('POST', url('/corrections'), api.token.pathologist, { kind: 'add', x: 1e7, y: 5, grade: 1 });
    expect(off.statusCode).toBe(400);
    expect(json<{ message: string }>(off).message).toMatch(/outside the .* px slide/);
    expect((await call('POST', '/analyses/99999/corrections', api.token.pathologist, { kind: 'delete', target: 'cell:0:0' })).statusCode).toBe(404);
    expect((await api.store.listCorrections(analysisId)).length).toBe(4);
  });

  it('a reader or submitter may not sign off (403); a pathologist signs off: the version freezes regions, corrections and scores', async () => {
    for (const role of ['reader', 'submitter'] as const) {
      const refused = await call('POST', url('/review'), api.token[role], { action: 'sign_off' });
      expect(refused.statusCode, role).toBe(403);
    }
    expect((await call('POST', url('/review'), api.token.pathologist, { action: 'start' })).statusCode).toBe(409);
    const signed = await call('POST', url('/review'), api.token.pathologist, { action: 'sign_off' });
    expect(signed.statusCode, signed.body).toBe(200);
    const body = json<Review>(signed);
    expect(body).toMatchObject({ state: 'signed_off', version: 1 });
    expect(body.signOffs).toEqual([expect.objectContaining({ version: 1, author: `token:${api.tokenId.pathologist}`, regionVersion: 0, correctionSeq: 4, corrections: 3 })]);
    const v1 = json<{ scores: Review['scores'] }>(await call('GET', url('/review/signed/1'), api.token.reader));
    expect(v1.scores).toMatchObject({ reviewState: 'signed_off', reviewVersion: 1, corrections: 3 });
    expect(v1.scores.scores).toMatchObject({ cells: 16, positiveCells: 11 });
    // 5 negative (one added), 5 1+, 3 2+, 3 3+ (one reclassified up, one deleted)
    expect(v1.scores.scores.hScore).toBeCloseTo(((1 * 5 + 2 * 3 + 3 * 3) * 100) / 16, 12);
  });

  it('a signed-off review refuses edits (409) until reopened; reopening starts version 2 and the signed version stays as signed', async () => {
    const edit = await call('POST', url('/corrections'), api.token.pathologist, { kind: 'delete', target: 'cell:0:5' });
    expect(edit.statusCode).toBe(409);
    expect(json<{ message: string }>(edit).message).toMatch(/signed off \(version 1\); reopen it to edit/);
    const regions = await call('PUT', url('/regions'), api.token.pathologist, { regions: [] });
    expect(regions.statusCode).toBe(409);
    expect((await call('POST', url('/review'), api.token.pathologist, { action: 'sign_off' })).statusCode).toBe(409);
    const reopened = await call('POST', url('/review'), api.token.admin, { action: 'reopen' });
    expect(json<Review>(reopened)).toMatchObject({ state: 'in_review', version: 2 });
    const again = await call('POST', url('/corrections'), api.token.pathologist, { kind: 'delete', target: 'cell:0:5' });
    expect(json<Review>(again).scores.scores.cells).toBe(15);
    const v1 = json<{ scores: Review['scores'] }>(await call('GET', url('/review/signed/1'), api.token.reader));
    expect(v1.scores.scores.cells).toBe(16);
    expect((await call('GET', url('/review/signed/2'), api.token.reader)).statusCode).toBe(404);
  });

  it('the audit log has every change in order, with who, before and after; each action appends one row', async () => {
    const audit = json<{ id: number; actor: string; action: string; target: string | null; before: unknown; after: Record<string, unknown>; state: string; version: number }[]>(
      await call('GET', url('/audit'), api.token.reader),
    );
    const p = `token:${api.tokenId.pathologist}`;
    const a = `token:${api.tokenId.admin}`;
    expect(audit.map((e) => [e.action, e.actor, e.target, e.state, e.version])).toEqual([
      ['review.start', p, null, 'in_review', 1],
      ['correction.add', p, 'cell:0:0', 'in_review', 1],
      ['correction.add', p, 'added:2', 'in_review', 1],
      ['correction.add', a, 'cell:1:3', 'in_review', 1],
      ['correction.add', p, 'added:2', 'in_review', 1],
      ['review.sign_off', p, null, 'signed_off', 1],
      ['review.reopen', a, null, 'in_review', 2],
      ['correction.add', p, 'cell:0:5', 'in_review', 2],
    ]);
    expect(audit[4].before).toEqual({ kind: 'add', x: 100, y: 120, grade: 2 });
    expect(audit[4].after).toMatchObject({ seq: 4, kind: 'reclassify', effect: { kind: 'add', grade: 0 } });
    expect(audit[5].before).toEqual({ state: 'in_review', version: 1 });
    expect(audit[5].after).toMatchObject({ state: 'signed_off', version: 1, regionVersion: 0, correctionSeq: 4, corrections: 3, cells: 16, positiveCells: 11 });
    expect(new Set(audit.map((e) => e.id)).size).toBe(audit.length);
    // one more action, one more row; the earlier rows unchanged
    await call('PUT', url('/regions'), api.token.pathologist, { regions: [{ kind: 'exclusion', polygon: [[2048, 0], [4200, 0], [4200, 2100], [2048, 2100]] }] });
    const after = json<typeof audit>(await call('GET', url('/audit'), api.token.pathologist));
    expect(after.slice(0, audit.length)).toEqual(audit);
    expect(after.slice(audit.length).map((e) => [e.action, e.before, e.after])).toEqual([['regions.save', null, { version: 1, regions: 0, exclusions: 1 }]]);
  });

  it('scores: every row says its review state and version; ?signedOff=true lists only signed-off analyses with the scores as signed', async () => {
    await call('POST', url('/review'), api.token.pathologist, { action: 'sign_off' });
    const other = await seedReviewAnalysis(api.store, 'review-state-unsigned');
    const all = json<{ analysisId: number; reviewState: string; reviewVersion: number; corrections: number; scores: Record<string, number> }[]>(await call('GET', '/scores', api.token.reader));
    const mine = all.find((r) => r.analysisId === analysisId)!;
    // version 2 adds a fourth: cell:0:5 deleted
    expect(mine).toMatchObject({ reviewState: 'signed_off', reviewVersion: 2, corrections: 4 });
    // tile 0's 10 cells, plus the added one, minus cell:0:5; tile 1 is excluded
    expect(mine.scores.cells).toBe(10 + 1 - 1);
    expect(all.find((r) => r.analysisId === other.analysisId)).toMatchObject({ reviewState: 'analysed', reviewVersion: 0, corrections: 0 });
    const signed = json<{ analysisId: number }[]>(await call('GET', '/scores?signedOff=true', api.token.reader));
    expect(signed.map((r) => r.analysisId)).toEqual([analysisId]);
    const csv = (await call('GET', '/scores?format=csv&signedOff=true', api.token.reader)).body.split('\r\n');
    const header = csv[0].split(',');
    const row = Object.fromEntries(header.map((h, i) => [h, csv[1].split(',')[i]]));
    expect(row).toMatchObject({ analysis_id: String(analysisId), review_state: 'signed_off', review_version: '2', corrections: '4', cells: '10' });
    expect((await call('GET', '/scores?signedOff=maybe', api.token.reader)).statusCode).toBe(400);
    // both analyses are P1 baseline CD3: the cohort export takes the latest, or with signedOff the signed one
    const latest = json<{ reviewState: string; reviewVersion: number; scores: Record<string, number> }[]>(await call('GET', '/export', api.token.reader));
    expect(latest.map((r) => [r.reviewState, r.reviewVersion])).toEqual([['analysed', 0]]);
    const signedExport = json<typeof latest>(await call('GET', '/export?signedOff=true', api.token.reader));
    expect(signedExport.map((r) => [r.reviewState, r.reviewVersion])).toEqual([['signed_off', 2]]);
    const exportCsv = (await call('GET', '/export?format=csv&signedOff=true', api.token.reader)).body.split('\r\n');
    expect(exportCsv[0].split(',').slice(0, 7)).toEqual(['patient', 'timepoint', 'biopsy', 'marker', 'slide', 'review_state', 'review_version']);
    expect(exportCsv[1].split(',').slice(5, 7)).toEqual(['signed_off', '2']);
    expect((await call('GET', '/compare?kind=table&signedOff=true', api.token.reader)).statusCode).toBe(200);
    expect((await call('GET', '/compare?kind=table&signedOff=yes', api.token.reader)).statusCode).toBe(400);
  });

  it('re-analysis after sign-off is a new analysis; the signed one keeps its rows, state and signed scores', async () => {
    const before = await api.store.getTileResults(analysisId);
    const again = await api.store.beginAnalysis(analysisInput(slideId, 2));
    expect(again.reused).toBe(false);
    expect(again.analysisId).not.toBe(analysisId);
    await api.store.saveTileResults(again.analysisId, [reviewTile(0, 3), reviewTile(1, 1)]);
    expect(await api.store.getTileResults(analysisId)).toEqual(before);
    expect(await api.store.getAnalysis(analysisId)).toMatchObject({ status: 'done' });
    const review = json<Review>(await call('GET', url('/review'), api.token.reader));
    expect(review).toMatchObject({ state: 'signed_off', version: 2 });
    expect((await call('GET', `/analyses/${again.analysisId}/review`, api.token.reader)).statusCode).toBe(409); // still running
  });
});

describe('every review route × role', () => {
  let id: number;
  beforeAll(async () => {
    ({ analysisId: id } = await seedReviewAnalysis(api.store, 'review-state-roles'));
  });
  const reads = ['/corrections', '/review', '/audit'];

  it('no token → 401 on every route', async () => {
    for (const r of reads) expect((await call('GET', `/analyses/${id}${r}`)).statusCode, r).toBe(401);
    expect((await call('POST', `/analyses/${id}/corrections`, undefined, { kind: 'delete', target: 'cell:0:0' })).statusCode).toBe(401);
    expect((await call('POST', `/analyses/${id}/review`, undefined, { action: 'start' })).statusCode).toBe(401);
    expect((await call('GET', `/analyses/${id}/review/signed/1`)).statusCode).toBe(401);
  });

  it('reader, pathologist and admin read; a submitter may not (403)', async () => {
    for (const r of reads) {
      for (const role of ['reader', 'pathologist', 'admin'] as const) expect((await call('GET', `/analyses/${id}${r}`, api.token[role])).statusCode, `${role} ${r}`).toBe(200);
      const refused = await call('GET', `/analyses/${id}${r}`, api.token.submitter);
      expect(refused.statusCode, r).toBe(403);
      expect(json<{ message: string }>(refused).message).toContain('a submitter token may not GET');
    }
    expect((await call('GET', `/analyses/${id}/review/signed/1`, api.token.submitter)).statusCode).toBe(403);
    expect((await call('GET', `/analyses/${id}/review/signed/1`, api.token.reader)).statusCode).toBe(404);
    expect((await call('GET', '/analyses/99999/audit', api.token.reader)).statusCode).toBe(404);
    expect((await call('GET', '/analyses/99999/review', api.token.reader)).statusCode).toBe(404);
  });

  it('reader and submitter may not write (403, nothing stored); pathologist and admin may', async () => {
    for (const role of ['reader', 'submitter'] as const) {
      expect((await call('POST', `/analyses/${id}/corrections`, api.token[role], { kind: 'delete', target: 'cell:0:0' })).statusCode, role).toBe(403);
      expect((await call('POST', `/analyses/${id}/review`, api.token[role], { action: 'start' })).statusCode, role).toBe(403);
    }
    expect(await api.store.listAudit(id)).toEqual([]);
    expect((await call('POST', `/analyses/${id}/review`, api.token.pathologist, { action: 'start' })).statusCode).toBe(200);
    expect((await call('POST', `/analyses/${id}/corrections`, api.token.admin, { kind: 'delete', target: 'cell:0:0' })).statusCode).toBe(201);
    expect((await call('POST', `/analyses/${id}/corrections`, api.token.pathologist, { kind: 'revert', target: 'cell:0:0' })).statusCode).toBe(201);
    expect((await call('POST', `/analyses/${id}/review`, api.token.admin, { action: 'sign_off' })).statusCode).toBe(200);
    expect((await call('POST', `/analyses/${id}/review`, api.token.pathologist, { action: 'reopen' })).statusCode).toBe(200);
    expect((await call('POST', `/analyses/${id}/review`, api.token.pathologist, { action: 'finish' })).statusCode).toBe(400);
    expect((await api.store.listAudit(id)).map((e) => e.action)).toEqual(['review.start', 'correction.add', 'correction.add', 'review.sign_off', 'review.reopen']);
    // the revert left the scores uncorrected: the signed version has none in effect
    expect((await api.store.getSignOff(id, 1))?.corrections).toBe(0);
  });
});
