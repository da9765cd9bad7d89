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

function isJson(status: number, want: number, body: string, headers: IncomingHttpHeaders): string | undefined {
  if (status !== want) return `status ${status}, expected ${want}: ${body.slice(0, 200)}`;
  if (!String(headers['content-type'] ?? '').startsWith('application/json')) return `content-type ${String(headers['content-type'])}`;
  return undefined;
}

/**
 * A read route's answer, fetched once before the load and checked in full (schema and known
 * content); nothing changes the data during the load, so under load each answer must be this one,
 * byte for byte. Comparing is cheap where parsing 200 kB of JSON per answer would take the load
 * generator's CPU from the server it measures (both share this machine's cores).
 */
async function referenceAnswer(world: LoadWorld, path: string, token: string, validate: (value: unknown) => string | undefined): Promise<RouteRequest> {
  const res = await fetch(world.server.url + path, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  const headers = Object.fromEntries(res.headers) as IncomingHttpHeaders;
  const problem = isJson(res.status, 200, text, headers) ?? validate(JSON.parse(text));
  if (problem) throw new Error(`${path} before the load: ${problem}`);
  const length = String(Buffer.byteLength(text));
  // autocannon decodes each chunk on its own: a multi-byte character split between chunks would differ as text
  const ascii = /^[\x00-\x7f]*$/.test(text);
  return {
    method: 'GET',
    path,
    check: (status, body, responseHeaders) => {
      const p = isJson(status, 200, body, responseHeaders);
      if (p) return p;
      if (ascii ? body !== text : responseHeaders['content-length'] !== length) return `differs from the answer checked before the load (${body.length} characters: ${body.slice(0, 80)})`;
      return undefined;
    },
  };
}

/** GET /scores: every finished analysis of the world, each a well-formed score row. */
export async function scoresRoute(world: LoadWorld): Promise<RouteLoad> {
  const request = await referenceAnswer(world, '/scores', world.readerToken, (value) => {
    const rows = ScoreList.safeParse(value);
    if (!rows.success) return `not a score list: ${rows.error.issues[0]?.message}`;
    if (rows.data.length !== world.scoreRows) return `${rows.data.length} rows, expected ${world.scoreRows}`;
    if (!rows.data.some((r) => r.slideId === world.slideId && (r.scores.cells ?? 0) > 0)) return `no row of the analysed slide ${world.slideId} with its cells`;
    return undefined;
  });
  return { name: 'GET /scores', token: world.readerToken, requests: [request] };
}

/** GET /batches/:id over batches the submitter made before the load. */
export async function batchRoute(world: LoadWorld, batchIds: readonly number[]): Promise<RouteLoad> {
  const requests: RouteRequest[] = [];
  for (const id of batchIds) {
    requests.push(
      await referenceAnswer(world, `/batches/${id}`, world.submitterToken, (value) => {
        const b = BatchJson.safeParse(value);
        if (!b.success) return `not a batch: ${b.error.issues[0]?.message}`;
        if (b.data.id !== id || b.data.slides.length !== SLIDES_PER_BATCH || b.data.status !== 'queued') return `batch ${b.data.id} ${b.data.status} with ${b.data.slides.length} slides, expected ${id} queued with ${SLIDES_PER_BATCH}`;
        return undefined;
      }),
    );
  }
  return { name: 'GET /batches/:id', token: world.submitterToken, requests };
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
          const problem = isJson(status, 201, body, headers);
          if (problem) return problem;
          let value: unknown;
          try {
            value = JSON.parse(body);
          } catch {
            return `body is not JSON: ${body.slice(0, 80)}`;
          }
          const s = Submitted.safeParse(value);
          if (!s.success) return `not a submission receipt: ${s.error.issues[0]?.message}`;
          acknowledged.push(s.data.batchId);
          if (s.data.slides !== SLIDES_PER_BATCH) return `${s.data.slides} slides acknowledged, expected ${SLIDES_PER_BATCH}`;
          return undefined;
        },
      },
    ],
  };
}
