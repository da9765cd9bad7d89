import type { IncomingHttpHeaders } from 'node:http';
import sharp from 'sharp';
import { z } from 'zod';
import { BatchJson, ScoreJson, Submitted } from '../../src/api/schemas.js';
import { deepZoomGeometry, tileCounts } from '../../src/slide/deep-zoom.js';
import type { RouteLoad, RouteRequest } from './drive.js';
import type { LoadWorld } from './world.js';

/** Slides in each submitted batch: a batch of one would not show a batch half stored. */
export const SLIDES_PER_BATCH = 2;

const ScoreList = z.array(ScoreJson);

function json(status: number, want: number, body: string, headers: IncomingHttpHeaders): { value?: unknown; problem?: string } {
  if (status !== want) return { problem: `status ${status}, expected ${want}: ${body.slice(0, 200)}` };
  if (!String(headers['content-type'] ?? '').startsWith('application/json')) return { problem: `content-type ${String(headers['content-type'])}` };
  try {
    return { value: JSON.parse(body) };
  } catch {
    return { problem: `body is not JSON: ${body.slice(0, 80)}` };
  }
}

/** GET /scores: every finished analysis of the world, each a well-formed score row. */
export function scoresRoute(world: LoadWorld): RouteLoad {
  return {
    name: 'GET /scores',
    token: world.readerToken,
    requests: [
      {
        method: 'GET',
        path: '/scores',
        check: (status, body, headers) => {
          const r = json(status, 200, body, headers);
          if (r.problem) return r.problem;
          const rows = ScoreList.safeParse(r.value);
          if (!rows.success) return `not a score list: ${rows.error.issues[0]?.message}`;
          if (rows.data.length !== world.scoreRows) return `${rows.data.length} rows, expected ${world.scoreRows}`;
          return undefined;
        },
      },
    ],
  };
}

/** GET /batches/:id over batches the submitter made before the load. */
export function batchRoute(world: LoadWorld, batchIds: readonly number[]): RouteLoad {
  return {
    name: 'GET /batches/:id',
    token: world.submitterToken,
    requests: batchIds.map((id) => ({
      method: 'GET',
      path: `/batches/${id}`,
      check: (status, body, headers) => {
        const r = json(status, 200, body, headers);
        if (r.problem) return r.problem;
        const b = BatchJson.safeParse(r.value);
        if (!b.success) return `not a batch: ${b.error.issues[0]?.message}`;
        if (b.data.id !== id || b.data.slides.length !== SLIDES_PER_BATCH) return `batch ${b.data.id} with ${b.data.slides.length} slides, expected ${id} with ${SLIDES_PER_BATCH}`;
        return undefined;
      },
    })),
  };
}

/**
 * Every Deep Zoom tile of the analysed slide, each fetched once first and decoded to check its
 * size; under load a tile must come back as the same JPEG (type and byte length; autocannon hands
 * bodies over as text, so the bytes themselves are checked before, not during).
 */
export async function tileRoute(world: LoadWorld): Promise<RouteLoad> {
  const g = deepZoomGeometry(world.slideSize.width, world.slideSize.height);
  const requests: RouteRequest[] = [];
  for (let level = 0; level <= g.maxLevel; level++) {
    const { cols, rows } = tileCounts(g, level);
    for (let col = 0; col < cols; col++) {
      for (let row = 0; row < rows; row++) {
        const path = `/slides/${world.slideId}/tiles/${level}/${col}_${row}.jpg`;
        const res = await fetch(world.server.url + path, { headers: { authorization: `Bearer ${world.readerToken}` } });
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
        const bytes = Buffer.from(await res.arrayBuffer());
        const meta = await sharp(bytes).metadata();
        if (meta.format !== 'jpeg' || !meta.width || !meta.height) throw new Error(`${path}: not a JPEG tile`);
        const length = String(bytes.length);
        requests.push({
          method: 'GET',
          path,
          check: (status, _body, headers) => {
            if (status !== 200) return `status ${status}`;
            if (headers['content-type'] !== 'image/jpeg') return `content-type ${String(headers['content-type'])}`;
            if (headers['content-length'] !== length) return `content-length ${String(headers['content-length'])}, expected ${length}`;
            return undefined;
          },
        });
      }
    }
  }
  return { name: 'GET /slides/:id/tiles (Deep Zoom)', token: world.readerToken, requests };
}

export function submitBody(world: LoadWorld): string {
  return JSON.stringify({
    slides: Array.from({ length: SLIDES_PER_BATCH }, (_, i) => ({ file: world.submitFile, patient: `L${i + 1}`, timepoint: 'baseline', marker: 'CD163' })),
  });
}

/** POST /batches; each acknowledged batch id goes into `acknowledged`, to be found in the store and queue after. */
export function submitRoute(world: LoadWorld, acknowledged: number[]): RouteLoad {
  return {
    name: 'POST /batches',
    token: world.submitterToken,
    requests: [
      {
        method: 'POST',
        path: '/batches',
        body: submitBody(world),
        check: (status, body, headers) => {
          const r = json(status, 201, body, headers);
          if (r.problem) return r.problem;
          const s = Submitted.safeParse(r.value);
          if (!s.success) return `not a submission receipt: ${s.error.issues[0]?.message}`;
          acknowledged.push(s.data.batchId);
          if (s.data.slides !== SLIDES_PER_BATCH) return `${s.data.slides} slides acknowledged, expected ${SLIDES_PER_BATCH}`;
          return undefined;
        },
      },
    ],
  };
}
