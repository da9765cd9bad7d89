import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewRegion } from '../../src/domain/review.js';
import { analysisInput, scoresOf, slideInput } from '../store/fixtures.js';
import { BLOCK, MPP, reviewTile, seedReviewAnalysis } from './seed-review.js';
import { bearer, openApi, type Api } from './setup.js';

let api: Api;
let analysisId: number;
let slideId: number;
// level-0 px covering the second tile (x from 1024 analysis px = 2048 level-0 px)
const secondTile: ReviewRegion = { kind: 'exclusion', polygon: [[2048, 0], [4200, 0], [4200, 2100], [2048, 2100]], name: 'Ignore*' };
const tileAreaMm2 = (1024 * 1024 * MPP * MPP) / 1e6;

beforeAll(async () => {
  api = await openApi();
  ({ slideId, analysisId } = await seedReviewAnalysis(api.store, 'review-api'));
});
afterAll(() => api.close());

const get = (token: string, query = '') => api.app.inject({ method: 'GET', url: `/analyses/${analysisId}/regions${query}`, headers: bearer(token) });
const put = (token: string, payload: unknown, id = analysisId) => api.app.inject({ method: 'PUT', url: `/analyses/${id}/regions`, headers: bearer(token), payload: payload as string });
const stored = async () => (await api.app.inject({ method: 'GET', url: `/slides/${slideId}/scores`, headers: bearer(api.token.reader) })).json<{ scores: Record<string, number> }[]>()[0].scores;

describe('review regions through the API (issue 12)', () => {
  it('before any edit: version 0, no regions, the stored scores', async () => {
    const res = await get(api.token.reader);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ analysisId, version: 0, author: null, createdAt: null, regions: [] });
    expect(body.scores.scores).toEqual(await stored());
    expect(body.scores.scores.cells).toBe(16);
  });

  it('a pathologist saves an exclusion: version 1, its author, and scores without the excluded tile', async () => {
    const before = await stored();
    const res = await put(api.token.pathologist, { regions: [secondTile], baseVersion: 0 });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ version: 1, author: `token:${api.tokenId.pathologist}`, regions: [secondTile] });
    expect(body.scores.scores.cells).toBe(10);
    // the first save started the review: the answer says so, not the state before it
    expect(body.scores).toMatchObject({ reviewState: 'in_review', reviewVersion: 1 });
    expect(body.scores.scores.tissueAreaMm2).toBeCloseTo(tileAreaMm2, 12);
    expect(body.scores.scores.cellsPerMm2).toBeCloseTo(10 / tileAreaMm2, 9);
    // grades 0,1,2,3,0,1,2,3,0,1 → 3 negative, 3 1+, 2 2+, 2 3+
    expect(body.scores.scores.hScore).toBeCloseTo(((3 + 2 * 2 + 3 * 2) * 100) / 10, 9);
    expect(body.scores.scores.pctPositiveArea).toBeCloseTo((100 * 100) / (BLOCK * BLOCK), 9);
    // the algorithm's stored scores are untouched
    expect(await stored()).toEqual(before);
    const read = (await get(api.token.reader)).json();
    expect(read.version).toBe(1);
    expect(read.scores.scores).toEqual(body.scores.scores);
  });

  it('the next version replaces the set; the old one stays readable with its own scores', async () => {
    const res = await put(api.token.admin, { regions: [], baseVersion: 1 });
    expect(res.json()).toMatchObject({ version: 2, author: `token:${api.tokenId.admin}`, regions: [] });
    expect(res.json().scores.scores.cells).toBe(16);
    const old = (await get(api.token.pathologist, '?version=1')).json();
    expect(old).toMatchObject({ version: 1, regions: [secondTile] });
    expect(old.scores.scores.cells).toBe(10);
    const versions = (await api.app.inject({ method: 'GET', url: `/analyses/${analysisId}/regions/versions`, headers: bearer(api.token.reader) })).json();
    expect(versions.map((v: { version: number; regionCount: number; author: string }) => [v.version, v.regionCount, v.author])).toEqual([
      [1, 1, `token:${api.tokenId.pathologist}`],
      [2, 0, `token:${api.tokenId.admin}`],
    ]);
  });

  it('refusals: stale version 409, bad polygon 400, unknown analysis or version 404, reader and submitter 403; none stores a version', async () => {
    const stale = await put(api.token.pathologist, { regions: [secondTile], baseVersion: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().message).toMatch(/version 1 but version 2 is the latest/);
    const bad = await put(api.token.pathologist, { regions: [{ kind: 'exclusion', polygon: [[0, 0], [1, 1]] }] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/at least 3 vertices/);
    const kind = await put(api.token.pathologist, { regions: [{ kind: 'fold', polygon: secondTile.polygon }] });
    expect(kind.statusCode).toBe(400);
    expect((await put(api.token.pathologist, { regions: [] }, 99_999)).statusCode).toBe(404);
    expect((await get(api.token.reader, '?version=7')).statusCode).toBe(404);
    for (const role of ['reader', 'submitter'] as const) {
      const refused = await put(api.token[role], { regions: [secondTile] });
      expect(refused.statusCode, role).toBe(403);
      expect(refused.json().message).toContain(`a ${role} token may not PUT`);
    }
    expect((await get(api.token.submitter)).statusCode).toBe(403);
    expect((await api.store.listRegionVersions(analysisId)).length).toBe(2); // refusals stored nothing
  });

  it('QuPath GeoJSON: export the latest version, import it back as the next, same regions and scores; other classes listed as skipped', async () => {
    const set = await put(api.token.pathologist, { regions: [secondTile, { kind: 'region', polygon: [[0, 0], [3000, 0], [3000, 1000], [0, 1000]] }] });
    expect(set.statusCode, set.body).toBe(200);
    const exported = await api.app.inject({ method: 'GET', url: `/analyses/${analysisId}/regions/geojson`, headers: bearer(api.token.reader) });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/^application\/geo\+json/);
    const fc = exported.json();
    expect(fc.features.map((f: { properties: { classification: { name: string } } }) => f.properties.classification.name)).toEqual(['Ignore*', 'Region*']);
    fc.features.push({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [9, 0], [9, 9], [0, 0]]] }, properties: { objectType: 'annotation', classification: { name: 'Tumor' } } });
    const version = set.json().version;
    const imported = await api.app.inject({ method: 'PUT', url: `/analyses/${analysisId}/regions/geojson?baseVersion=${version}`, headers: bearer(api.token.pathologist), payload: fc });
    expect(imported.statusCode, imported.body).toBe(200);
    const body = imported.json();
    expect(body.version).toBe(version + 1);
    expect(body.skipped).toEqual([{ feature: 2, reason: 'class "Tumor" is neither Region* nor Ignore*' }]);
    expect(body.regions.map((r: ReviewRegion) => [r.kind, r.polygon])).toEqual(set.json().regions.map((r: ReviewRegion) => [r.kind, r.polygon]));
    expect(body.scores.scores).toEqual(set.json().scores.scores);
    // the region (to 1000 level-0 px = 252.5 µm down) holds all of tile 0's cells (y ≤ 140 µm); the exclusion removes tile 1's
    expect(body.scores.scores.cells).toBe(10);
    const bad = await api.app.inject({ method: 'PUT', url: `/analyses/${analysisId}/regions/geojson`, headers: bearer(api.token.pathologist), payload: { type: 'Topology' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/^request body: not QuPath GeoJSON/);
  });

  it('an analysis stored without area grids cannot take regions (422) and keeps none', async () => {
    const sid = await api.store.upsertSlide(slideInput('review-api-old'));
    const a = analysisInput(sid, 1);
    const { analysisId: old } = await api.store.beginAnalysis(a);
    const { areaGrid: _, ...plain } = reviewTile(0, 3);
    await api.store.saveTileResults(old, [plain]);
    await api.store.finishAnalysis(old, scoresOf([plain], a.mpp));
    const res = await put(api.token.pathologist, { regions: [secondTile] }, old);
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toMatch(/no area grid .* analyse the slide again/);
    expect(await api.store.listRegionVersions(old)).toEqual([]);
  });
});
