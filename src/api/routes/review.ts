import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RegionSet, ReviewRegions } from '../../domain/review.js';
import { StoreNotFoundError } from '../../errors/index.js';
import { regionsFromQupathGeoJson, regionsToQupathGeoJson } from '../../cohort/regions-geojson.js';
import { finishedAnalysis, regionVersion, rescoreAnalysis, saveRegionsRescored, type AnalysisRescoring } from '../../pipeline/rescore-analysis.js';
import { allow, creatorOf, principalOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { scoreJson } from '../json-views.js';
import { Problem, ScoreJson } from '../schemas.js';

const security = [{ bearer: [] }];

const AnalysisParam = z.object({ id: z.coerce.number().int().positive() });
const VersionQuery = z.object({ version: z.coerce.number().int().positive().optional().describe('a saved version; the latest when absent') });

export const RegionsBody = z
  .object({
    regions: ReviewRegions.describe("polygons in the slide's level-0 pixels; kind 'region' (analyse inside) or 'exclusion' (leave out)"),
    baseVersion: z.number().int().nonnegative().optional().describe('the version the edit was made on (0: none yet); refused with 409 when another edit came first'),
  })
  .strict();

export const RegionsJson = z.object({
  analysisId: z.number().int(),
  version: z.number().int().nonnegative().describe('0 while no regions were saved'),
  author: z.string().nullable().describe('token:<id> of who saved the version (cli for the command line)'),
  createdAt: z.string().nullable().describe('ISO 8601'),
  regions: ReviewRegions,
  scores: ScoreJson.describe('every score within the regions minus the exclusions (and minus QC exclusions), from the stored detections and area grids'),
});
type RegionsJson = z.infer<typeof RegionsJson>;

const RegionVersionJson = RegionSet.omit({ regions: true, createdAt: true }).extend({ createdAt: z.string(), regionCount: z.number().int() });

const GeoJsonBody = z.unknown().describe('QuPath GeoJSON: a FeatureCollection, a Feature array or one Feature; Region* annotations → regions, Ignore* → exclusions');
const GeoJsonQuery = VersionQuery.extend({ baseVersion: z.coerce.number().int().nonnegative().optional().describe('as baseVersion in PUT /analyses/{id}/regions') });
const ImportJson = RegionsJson.extend({ skipped: z.array(z.object({ feature: z.number().int(), reason: z.string() })).describe('features not imported and why') });

export function regionsJson(analysisId: number, r: AnalysisRescoring): RegionsJson {
  return {
    analysisId,
    version: r.regions?.version ?? 0,
    author: r.regions?.author ?? null,
    createdAt: r.regions?.createdAt.toISOString() ?? null,
    regions: r.regions?.regions ?? [],
    scores: scoreJson({ ...r.row, scores: r.scores, markerScores: r.markerScores, qc: r.qc }),
  };
}

/**
 * The pathologist's regions and exclusions on an analysis (issue 12): readers read them with the
 * scores inside; a pathologist (or admin) saves a new version. Saving never changes the stored
 * algorithm output or its whole-slide scores.
 */
export function reviewRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/analyses/:id/regions', {
      onRequest: allow(deps.tokens, 'reader', 'pathologist'),
      schema: {
        summary: "An analysis' regions and exclusions (the latest version, or ?version=N) with every score re-computed inside them",
        tags: ['review'],
        security,
        params: AnalysisParam,
        querystring: VersionQuery,
        response: { 200: RegionsJson, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
    }, async (req) => regionsJson(req.params.id, await rescoreAnalysis(deps.store, req.params.id, { version: req.query.version })));

    app.put('/analyses/:id/regions', {
      onRequest: allow(deps.tokens, 'pathologist'),
      schema: {
        summary: "Saves an analysis' regions and exclusions as its next version and answers the scores inside them",
        tags: ['review'],
        security,
        params: AnalysisParam,
        body: RegionsBody,
        response: { 200: RegionsJson, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
    }, async (req) => {
      const saved = await saveRegionsRescored(deps.store, req.params.id, { regions: req.body.regions, author: creatorOf(principalOf(req)), baseVersion: req.body.baseVersion });
      return regionsJson(req.params.id, saved);
    });

    app.get('/analyses/:id/regions/geojson', {
      onRequest: allow(deps.tokens, 'reader', 'pathologist'),
      schema: {
        summary: "An analysis' regions (latest, or ?version=N) as QuPath GeoJSON annotations: Region* and Ignore*, level-0 pixels (File › Import objects in QuPath)",
        tags: ['review'],
        security,
        params: AnalysisParam,
        querystring: VersionQuery,
        produces: ['application/geo+json'],
        response: { 401: Problem, 403: Problem, 404: Problem },
      },
    }, async (req, reply) => {
      const row = await finishedAnalysis(deps.store, req.params.id);
      const set = await regionVersion(deps.store, req.params.id, req.query.version);
      return reply.type('application/geo+json; charset=utf-8').send(JSON.stringify(regionsToQupathGeoJson(set?.regions ?? [], row.sha256)) as never);
    });

    app.put('/analyses/:id/regions/geojson', {
      onRequest: allow(deps.tokens, 'pathologist'),
      schema: {
        summary: "Saves QuPath GeoJSON annotations (Region* → regions, Ignore* → exclusions; others skipped and listed) as the analysis' next region version",
        tags: ['review'],
        security,
        params: AnalysisParam,
        querystring: GeoJsonQuery,
        body: GeoJsonBody,
        response: { 200: ImportJson, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
    }, async (req) => {
      const imported = regionsFromQupathGeoJson(JSON.stringify(req.body), 'request body');
      const saved = await saveRegionsRescored(deps.store, req.params.id, { regions: imported.regions, author: creatorOf(principalOf(req)), baseVersion: req.query.baseVersion });
      return { ...regionsJson(req.params.id, saved), skipped: imported.skipped };
    });

    app.get('/analyses/:id/regions/versions', {
      onRequest: allow(deps.tokens, 'reader', 'pathologist'),
      schema: {
        summary: "Every saved version of an analysis' regions, oldest first (author, time, how many regions)",
        tags: ['review'],
        security,
        params: AnalysisParam,
        response: { 200: z.array(RegionVersionJson), 401: Problem, 403: Problem, 404: Problem },
      },
    }, async (req) => {
      const versions = await deps.store.listRegionVersions(req.params.id);
      if (versions.length === 0 && !(await deps.store.getAnalysis(req.params.id))) {
        throw new StoreNotFoundError(`analysis ${req.params.id} does not exist`);
      }
      return versions.map((v) => ({ ...v, createdAt: v.createdAt.toISOString() }));
    });
  };
}
