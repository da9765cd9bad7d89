import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BiopsyQuantError, HttpError, NotFoundError } from '../../errors/index.js';
import type { FibreRecord } from '../../domain/detection.js';
import { ReviewState } from '../../domain/review-state.js';
import { SlideScores } from '../../domain/scores.js';
import { markerHasField, scoresForMarker } from '../../domain/score-fields.js';
import { decodeBlockMask, QC_CAUSE_IDS, QcSummary, type TileQc } from '../../domain/qc.js';
import { DeepZoom, dziXml, tileCounts, type DeepZoomGeometry, type DeepZoomSlide } from '../../slide/deep-zoom.js';
import { Mhc1Params } from '../../domain/params.js';
import { isMhc1Positive, type Mhc1Thresholds } from '../../score/mhc1.js';
import { CellLocation } from '../../score/cell-location.js';
import type { ScoreRow } from '../../store/store.js';
import { allow } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { biopsyOf } from '../../domain/biopsy.js';
import { Problem } from '../schemas.js';

/**
 * The slide viewer (src/web/, no build step) and the data it reads: the slide tree with scores,
 * Deep Zoom descriptors and tiles, and detection overlays. The page itself holds no data and needs
 * no token; every data route needs a reader token, which the page sends as a bearer header. A
 * pathologist reviewing a slide reads its descriptor, tiles and overlay too, but not the slide tree
 * (it holds every slide's scores; the pathologist finds slides through GET /review/queue).
 */

const security = [{ bearer: [] }];
const WEB_DIR = fileURLToPath(new URL('../../web/', import.meta.url));
// resolved through Node so the viewer works wherever npm put the package; nothing comes from a CDN
const OSD_DIR = path.dirname(createRequire(import.meta.url).resolve('openseadragon'));

const WEB_FILES: Record<string, { file: string; type: string }> = {
  'viewer.js': { file: path.join(WEB_DIR, 'viewer.js'), type: 'text/javascript; charset=utf-8' },
  'viewer.css': { file: path.join(WEB_DIR, 'viewer.css'), type: 'text/css; charset=utf-8' },
  'overlay.js': { file: path.join(WEB_DIR, 'overlay.js'), type: 'text/javascript; charset=utf-8' },
  'marker-panel.js': { file: path.join(WEB_DIR, 'marker-panel.js'), type: 'text/javascript; charset=utf-8' },
  'score-rows.js': { file: path.join(WEB_DIR, 'score-rows.js'), type: 'text/javascript; charset=utf-8' },
  ...Object.fromEntries(
    ['http.js', 'review-api.js', 'draw-tools.js', 'regions-layer.js', 'review-panel.js', 'review-queue.js', 'review-state.js', 'corrections.js', 'corrected-overlay.js'].map((f) => [f, { file: path.join(WEB_DIR, f), type: 'text/javascript; charset=utf-8' }]),
  ),
  'openseadragon.min.js': { file: path.join(OSD_DIR, 'openseadragon.min.js'), type: 'text/javascript; charset=utf-8' },
};

const Id = z.coerce.number().int().positive();
const AnalysisId = z.object({ id: Id });
const SlideIdParam = z.object({ id: Id });
const TileParams = z.object({
  id: Id,
  level: z.coerce.number().int().nonnegative(),
  tile: z.string().regex(/^\d{1,9}_\d{1,9}\.jpg$/, 'must be <col>_<row>.jpg'),
});
const AssetName = z.object({ name: z.string().regex(/^[a-z_]+\.png$/, 'must be an OpenSeadragon button image name') });
const WebFile = z.object({ file: z.enum(Object.keys(WEB_FILES) as [string, ...string[]]) });

const ViewerSlide = z.object({
  slideId: z.number().int(),
  name: z.string().describe('file name of the slide'),
  path: z.string(),
  marker: z.string().nullable(),
  analysisId: z.number().int().describe('the latest finished analysis of the slide'),
  computedAt: z.string().describe('ISO 8601'),
  slideMppUm: z.number(),
  // loose: scores the store adds later pass through to the score panel; partial: only the
  // fields the slide's marker has (scoresForMarker)
  scores: SlideScores.partial().loose(),
  markerScores: z.record(z.string(), z.unknown()).nullable().describe("the marker's own scores (CD163, infiltrates, IL-1, MHC-I) when stored"),
  qc: QcSummary.nullable().describe('quality control: % excluded per cause and the verdict; null when QC did not run'),
  reviewState: ReviewState.describe("the pathologist's review of the analysis (a review queue lists those not signed_off)"),
  reviewVersion: z.number().int().nonnegative(),
});
const SlideTree = z.object({
  patients: z.array(
    z.object({
      patient: z.string().nullable(),
      timepoints: z.array(z.object({ timepoint: z.string().nullable(), biopsy: z.string().nullable(), slides: z.array(ViewerSlide) })),
    }),
  ),
});

const Point = z.tuple([z.number(), z.number()]);
const OverlayFibre = z.object({
  x: z.number().describe('centroid, level-0 px'),
  y: z.number(),
  contour: z.array(Point).describe('outline in level-0 px (the stored µm contour / slide µm/px); empty when none was stored'),
  radiusPx: z.number().nonnegative().describe('equivalent-circle radius √(area/π) in level-0 px, drawn when there is no contour'),
  positive: z
    .boolean()
    .nullable()
    .describe("MHC-I positive: ring or interior mean DAB OD at or above its threshold (src/score/mhc1.ts); null on slides whose marker is not MHC-I (no MHC-I status: the outline only)"),
  ringDab: z.number().describe('mean DAB OD of the sarcolemmal ring'),
  interiorDab: z.number().describe('mean DAB OD of the sarcoplasm'),
  perifascicular: z.boolean(),
});
const Overlay = z.object({
  analysisId: z.number().int(),
  slideId: z.number().int(),
  slideMppUm: z.number().describe('level-0 µm/px: overlay coordinates are level-0 pixels'),
  count: z.number().int(),
  cells: z
    .object({
      x: z.array(z.number()),
      y: z.array(z.number()),
      radius: z.array(z.number()),
      grade: z.array(z.number().int().min(0).max(3)),
      tile: z.array(z.number().int()).describe("the cell's tile id: the n-th cell of tile t (in this order) is the correction target cell:<t>:<n>"),
      location: z.array(CellLocation.nullable()).optional().describe('muscle analyses: endomysial, perimysial or perivascular (null where a cell has none)'),
      inFibre: z.array(z.boolean().nullable()).optional().describe("muscle analyses: the cell's centroid lies inside a segmented fibre"),
    })
    .describe('one entry per detected cell, column-wise: centre and nucleus radius in level-0 px, grade 0 (negative) to 3'),
  fibres: z
    .array(OverlayFibre.extend({ target: z.string().describe('fibre:<tileId>:<index>, the correction target') }))
    .optional()
    .describe('muscle fibres (with their MHC-I status on MHC-I slides), when the analysis segmented them'),
  mhc1Thresholds: z.object({ ring: z.number(), interior: z.number() }).optional().describe('MHC-I slides: the DAB OD thresholds `positive` was called with'),
  qc: z
    .object({
      blockPx: z.number().positive().describe('side of a QC block, level-0 px'),
      blocks: z.array(z.tuple([z.number(), z.number(), z.number()])).describe('excluded blocks as [x, y, causes]: top-left corner in level-0 px, causes a bit set over `causes` (bit i = causes[i])'),
      causes: z.array(z.string()),
    })
    .optional()
    .describe('quality control: the blocks excluded from every score, by cause, when QC ran'),
});
type OverlayFibre = z.infer<typeof OverlayFibre>;

const round1 = (v: number) => Math.round(v * 10) / 10;
const round2 = (v: number) => Math.round(v * 100) / 100;

/**
 * A stored fibre in level-0 px with its MHC-I call: the same call (and thresholds) the slide's
 * MHC-I score counted; `t` null = the slide's marker is not MHC-I, so the fibre has no status.
 */
export function overlayFibre(f: FibreRecord, mpp: number, t?: Mhc1Thresholds | null): OverlayFibre {
  return {
    x: round1(f.x / mpp),
    y: round1(f.y / mpp),
    contour: (f.contour ?? []).map(([x, y]) => [round1(x / mpp), round1(y / mpp)]),
    radiusPx: round2(Math.sqrt(f.areaUm2 / Math.PI) / mpp),
    positive: t === null ? null : isMhc1Positive(f, t),
    ringDab: f.ringDab,
    interiorDab: f.interiorDab,
    perifascicular: f.perifascicular,
  };
}

/**
 * The excluded blocks of every tile in level-0 px (`scale` = analysis µm/px over level-0 µm/px),
 * each with the bit set of the causes that flagged it; blocks no cause flagged are left out.
 */
export function qcOverlay(tiles: readonly TileQc[], scale: number): { blockPx: number; blocks: [number, number, number][]; causes: string[] } {
  const blocks: [number, number, number][] = [];
  let blockPx = 0;
  for (const t of tiles) {
    blockPx = t.blockPx * scale;
    const n = t.cols * t.rows;
    const masks = QC_CAUSE_IDS.map((c) => decodeBlockMask(t.masks[c], n));
    for (let b = 0; b < n; b++) {
      let bits = 0;
      masks.forEach((m, i) => (bits |= m[b] << i));
      if (bits === 0) continue;
      const bx = b % t.cols;
      const by = (b - bx) / t.cols;
      blocks.push([round1((t.x0 + bx * t.blockPx) * scale), round1((t.y0 + by * t.blockPx) * scale), bits]);
    }
  }
  return { blockPx: round2(blockPx), blocks, causes: [...QC_CAUSE_IDS] };
}

type Tree = z.infer<typeof SlideTree>;

/** Each slide's latest finished analysis (the newest, the higher id on a tie), in the store's order. */
export function latestPerSlide(rows: readonly ScoreRow[]): ScoreRow[] {
  const latest = new Map<number, ScoreRow>();
  for (const r of rows) {
    const seen = latest.get(r.slideId);
    if (!seen || r.computedAt > seen.computedAt || (+r.computedAt === +seen.computedAt && r.analysisId > seen.analysisId)) latest.set(r.slideId, r);
  }
  return rows.filter((r) => latest.get(r.slideId) === r);
}

/** Latest finished analysis per slide, grouped patient → timepoint in the store's order. */
export function slideTree(rows: ScoreRow[]): Tree {
  const tree: Tree = { patients: [] };
  for (const r of latestPerSlide(rows)) {
    let p = tree.patients.find((x) => x.patient === r.patient);
    if (!p) tree.patients.push((p = { patient: r.patient, timepoints: [] }));
    let t = p.timepoints.find((x) => x.timepoint === r.timepoint);
    if (!t) p.timepoints.push((t = { timepoint: r.timepoint, biopsy: biopsyOf(r.patient, r.timepoint), slides: [] }));
    t.slides.push({
      slideId: r.slideId,
      name: path.basename(r.path),
      path: r.path,
      marker: r.marker,
      analysisId: r.analysisId,
      computedAt: r.computedAt.toISOString(),
      slideMppUm: r.slideMpp,
      scores: scoresForMarker(r.scores, r.marker),
      markerScores: r.markerScores ?? null,
      qc: r.qc ?? null,
      reviewState: r.review.state,
      reviewVersion: r.review.version,
    });
  }
  return tree;
}

export function viewerRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const dz = new DeepZoom();
    app.addHook('onClose', async () => dz.close());

    async function slideOf(id: number): Promise<DeepZoomSlide> {
      const rows = await deps.store.listScores({ slideId: id });
      if (rows.length === 0) throw new HttpError(404, `slide ${id} not found or has no finished analysis`);
      return { path: rows[0].path, mpp: rows[0].slideMpp };
    }
    async function geometryOf(id: number, s: DeepZoomSlide): Promise<DeepZoomGeometry> {
      try {
        return await dz.geometry(s);
      } catch (err) {
        // a moved or damaged file: the slide's data exists, its image cannot be shown
        if (err instanceof BiopsyQuantError) throw new NotFoundError(`slide ${id} cannot be shown: ${err.message}`, { cause: err });
        throw err;
      }
    }

    app.get('/viewer', { schema: { summary: 'The slide viewer (HTML); pass the API token as #token=… or when asked', tags: ['viewer'] } }, async (_req, reply) =>
      reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(await readFile(path.join(WEB_DIR, 'index.html'))),
    );
    app.get('/viewer/:file', { schema: { hide: true, params: WebFile } }, async (req, reply) => {
      const f = WEB_FILES[req.params.file];
      return reply.type(f.type).header('cache-control', 'no-cache').send(await readFile(f.file));
    });
    app.get('/viewer/images/:name', { schema: { hide: true, params: AssetName } }, async (req, reply) => {
      let png: Buffer;
      try {
        png = await readFile(path.join(OSD_DIR, 'images', req.params.name));
      } catch {
        throw new HttpError(404, `no viewer image ${req.params.name}`);
      }
      return reply.type('image/png').header('cache-control', 'max-age=86400').send(png);
    });

    app.get('/slides', {
      onRequest: allow(deps.tokens, 'reader'),
      schema: {
        summary: 'Slides with a finished analysis, grouped patient → timepoint, each with its latest analysis and scores',
        tags: ['viewer'],
        security,
        response: { 200: SlideTree, 401: Problem, 403: Problem },
      },
    }, async () => slideTree(await deps.store.listScores()));

    app.get('/slides/:id/dzi', {
      onRequest: allow(deps.tokens, 'reader', 'pathologist'),
      schema: {
        summary: 'Deep Zoom descriptor (XML) of a slide; tiles at /slides/{id}/tiles/{level}/{col}_{row}.jpg',
        tags: ['viewer'],
        security,
        params: SlideIdParam,
        produces: ['application/xml'],
        response: { 401: Problem, 403: Problem, 404: Problem },
      },
    }, async (req, reply) => {
      const s = await slideOf(req.params.id);
      const xml = dziXml(await geometryOf(req.params.id, s));
      return reply.type('application/xml; charset=utf-8').send(xml as never); // a string body skips the JSON serializer
    });

    app.get('/slides/:id/tiles/:level/:tile', {
      onRequest: allow(deps.tokens, 'reader', 'pathologist'),
      schema: {
        summary: 'One Deep Zoom tile (JPEG, 254 px + 1 px overlap); {tile} is <col>_<row>.jpg',
        tags: ['viewer'],
        security,
        params: TileParams,
        produces: ['image/jpeg'],
        response: { 400: Problem, 401: Problem, 403: Problem, 404: Problem },
      },
    }, async (req, reply) => {
      const { id, level } = req.params;
      const [col, row] = req.params.tile.replace(/\.jpg$/, '').split('_').map(Number);
      const s = await slideOf(id);
      const g = await geometryOf(id, s);
      if (level > g.maxLevel) throw new HttpError(404, `params.level: ${level} is not in 0–${g.maxLevel} for slide ${id}`);
      const { cols, rows } = tileCounts(g, level);
      if (col >= cols) throw new HttpError(404, `params.tile: column ${col} is not in 0–${cols - 1} at level ${level} of slide ${id}`);
      if (row >= rows) throw new HttpError(404, `params.tile: row ${row} is not in 0–${rows - 1} at level ${level} of slide ${id}`);
      const jpeg = await dz.tile(s, level, col, row);
      return reply.type('image/jpeg').header('cache-control', 'private, max-age=3600').send(jpeg as never);
    });

    app.get('/analyses/:id/overlay', {
      onRequest: allow(deps.tokens, 'reader', 'pathologist'),
      schema: {
        summary: "An analysis' detections as the algorithm left them, for drawing over the slide: cells (level-0 px centres, nucleus radius, grade, location, tile) and muscle fibres (outlines in level-0 px, MHC-I status, ring and interior DAB, correction target); corrections are at GET /analyses/{id}/corrections",
        tags: ['viewer'],
        security,
        params: AnalysisId,
        response: { 200: Overlay, 401: Problem, 403: Problem, 404: Problem },
      },
    }, async (req) => {
      const id = req.params.id;
      const a = await deps.store.getAnalysis(id);
      if (!a) throw new HttpError(404, `analysis ${id} not found`);
      const row = (await deps.store.listScores({ slideId: a.slideId })).find((r) => r.analysisId === id);
      if (!row) throw new HttpError(404, `analysis ${id} is ${a.status}, not finished`);
      const mpp = row.slideMpp;
      // one read gives cells and fibres, both in tile order
      const tiles = await deps.store.getTileResults(id);
      const cells = tiles.flatMap((t) => t.detections);
      const located = cells.some((c) => c.location !== undefined);
      const segmented = tiles.some((t) => t.fibres !== undefined);
      // the thresholds the analysis ran with (analyses stored before they were parameters: the defaults)
      const mhc1 = Mhc1Params.parse((row.params as { mhc1?: unknown }).mhc1 ?? {});
      // fibres are outlined on every muscle slide (they place the cells), but only an MHC-I slide has an MHC-I status
      const mhc1Slide = markerHasField({ scorer: 'mhc1' }, row.marker);
      return {
        analysisId: id,
        slideId: a.slideId,
        slideMppUm: mpp,
        count: cells.length,
        cells: {
          x: cells.map((c) => round1(c.x / mpp)),
          y: cells.map((c) => round1(c.y / mpp)),
          radius: cells.map((c) => round2(Math.sqrt(c.nucleusAreaUm2 / Math.PI) / mpp)),
          grade: cells.map((c) => c.grade),
          tile: tiles.flatMap((t) => t.detections.map(() => t.tileId)),
          ...(located ? { location: cells.map((c) => c.location ?? null), inFibre: cells.map((c) => c.inFibre ?? null) } : {}),
        },
        ...(tiles.some((t) => t.qc !== undefined) ? { qc: qcOverlay(tiles.flatMap((t) => (t.qc ? [t.qc] : [])), row.analysisMpp / mpp) } : {}),
        ...(segmented ? { fibres: tiles.flatMap((t) => (t.fibres ?? []).map((f, i) => ({ ...overlayFibre(f, mpp, mhc1Slide ? mhc1 : null), target: `fibre:${t.tileId}:${i}` }))) } : {}),
        ...(segmented && mhc1Slide ? { mhc1Thresholds: { ring: mhc1.ring, interior: mhc1.interior } } : {}),
      };
    });
  };
}
