import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analysisInput, scoresOf, slideInput, tile } from '../store/fixtures.js';
import { seedReviewAnalysis } from './seed-review.js';
import { bearer, openApi, type Api } from './setup.js';

let api: Api;
let first: { slideId: number; analysisId: number };
let second: { slideId: number; analysisId: number };
let unfinished: number;

beforeAll(async () => {
  api = await openApi();
  first = await seedReviewAnalysis(api.store, 'queue-a');
  second = await seedReviewAnalysis(api.store, 'queue-b', 'CD163');
  // the first slide analysed again: only its newer analysis awaits review
  const { analysisId } = await api.store.beginAnalysis(analysisInput(first.slideId, 1, { tileSize: 512 }));
  const tiles = [tile(0, 2)];
  await api.store.saveTileResults(analysisId, tiles);
  await api.store.finishAnalysis(analysisId, scoresOf(tiles, 0.505));
  first = { ...first, analysisId };
  // a slide still being analysed has nothing to review
  const running = await api.store.upsertSlide(slideInput('queue-running'));
  unfinished = (await api.store.beginAnalysis(analysisInput(running, 1))).analysisId;
});
afterAll(() => api.close());

const get = (url: string, token: string) => api.app.inject({ method: 'GET', url, headers: bearer(token) });

describe('review queue and the viewer routes a pathologist reads (issue 12)', () => {
  it("GET /review/queue: each slide's latest finished analysis, its region version, no scores; reader, pathologist and admin", async () => {
    await api.app.inject({ method: 'PUT', url: `/analyses/${second.analysisId}/regions`, headers: bearer(api.token.pathologist), payload: { regions: [{ kind: 'exclusion', polygon: [[0, 0], [100, 0], [100, 100]] }], baseVersion: 0 } });
    for (const role of ['reader', 'pathologist', 'admin'] as const) {
      const res = await get('/review/queue', api.token[role]);
      expect(res.statusCode, role).toBe(200);
      const q = res.json();
      // the store's order: patient, timepoint, marker (CD163 before CD3), slide
      // saving regions started queue-b's review
      expect(q.map((e: { analysisId: number; regionsVersion: number; name: string; reviewState: string; reviewVersion: number }) => [e.name, e.analysisId, e.regionsVersion, e.reviewState, e.reviewVersion])).toEqual([
        ['queue-b.tif', second.analysisId, 1, 'in_review', 1],
        ['queue-a.tif', first.analysisId, 0, 'analysed', 0],
      ]);
      expect(q[0]).toMatchObject({ slideId: second.slideId, patient: 'P1', timepoint: 'baseline', marker: 'CD163', biopsy: 'P1:baseline' });
      expect(Object.keys(q[1]).sort()).toEqual(['analysisId', 'biopsy', 'computedAt', 'marker', 'name', 'patient', 'regionsVersion', 'reviewState', 'reviewVersion', 'slideId', 'timepoint']);
      expect(q.some((e: { analysisId: number }) => e.analysisId === unfinished)).toBe(false);
    }
    expect((await get('/review/queue', api.token.submitter)).statusCode).toBe(403);
    expect((await api.app.inject({ method: 'GET', url: '/review/queue' })).statusCode).toBe(401);
  });

  it('a signed-off analysis leaves the queue; reopened, it is back in review with the next version', async () => {
    const act = (action: string) => api.app.inject({ method: 'POST', url: `/analyses/${second.analysisId}/review`, headers: bearer(api.token.pathologist), payload: { action } });
    expect((await act('sign_off')).statusCode).toBe(200);
    const names = async () => (await get('/review/queue', api.token.pathologist)).json().map((e: { name: string; reviewState: string; reviewVersion: number }) => [e.name, e.reviewState, e.reviewVersion]);
    expect(await names()).toEqual([['queue-a.tif', 'analysed', 0]]);
    expect((await act('reopen')).statusCode).toBe(200);
    expect(await names()).toEqual([['queue-b.tif', 'in_review', 2], ['queue-a.tif', 'analysed', 0]]);
  });

  it("GET /tokens/me names the calling token's role, for every role", async () => {
    for (const role of ['submitter', 'reader', 'pathologist', 'admin'] as const) {
      const res = await get('/tokens/me', api.token[role]);
      expect(res.json(), role).toEqual({ id: api.tokenId[role], role });
    }
    expect((await get('/tokens/me', 'bq_not_a_token')).statusCode).toBe(401);
  });

  it('a pathologist reads the overlay of the analysis it reviews but not the slide tree with every score', async () => {
    const overlay = await get(`/analyses/${second.analysisId}/overlay`, api.token.pathologist);
    expect(overlay.statusCode, overlay.body).toBe(200);
    expect(overlay.json().count).toBe(16);
    expect((await get('/slides', api.token.pathologist)).statusCode).toBe(403);
    expect((await get(`/analyses/${second.analysisId}/overlay`, api.token.submitter)).statusCode).toBe(403);
  });
});
