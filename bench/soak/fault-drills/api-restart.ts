// The API process restarted (SIGTERM, then started again on the same port) while a client follows
// the batch's progress stream: the client reconnects by itself with Last-Event-ID and follows the
// batch to its end; the workers never notice.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { BatchJson } from '../../../src/api/schemas.js';
import { followBatch } from '../../../src/api/follow-batch.js';
import { apiJson, type ApiTarget } from '../../../src/api/client.js';
import { freePort } from '../../../src/service/own-servers.js';
import { startCli, stopProcess } from '../../../src/service/local-cluster.js';
import { TokenStore } from '../../../src/store/token-store.js';
import type { DrillResult } from './drill-result.js';
import { drillSlides, MARKER, PARAMS_INPUT, verdict, type DrillWorld } from './drill-world.js';

export interface ApiRestartResult extends DrillResult {
  /** states the client was given, in order, with the time each came */
  seen: { at: number; tilesDone: number; status: string }[];
  /** the tiles done the client saw never went back (the restart lost no work) */
  monotone: boolean;
  /** the state the client ended with */
  final: BatchJson;
  /** the API process's exit code after SIGTERM */
  apiExitCode: number | null;
  /** seconds without an API: SIGTERM sent → the new one listening */
  downS: number;
}

function startApi(world: DrillWorld, port: number): Promise<ChildProcess> {
  const { h } = world;
  const env = { REDIS_URL: world.redis.url, DATABASE_URL: h.databaseUrl, QUEUE_PREFIX: h.prefix, SLIDES_ROOT: world.dir, HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  return startCli(['serve', '--port', String(port)], env, 'API listening on');
}

const tiles = (b: BatchJson) => b.slides.reduce((n, s) => n + s.tilesDone, 0);

export async function apiRestartDrill(world: DrillWorld): Promise<ApiRestartResult> {
  await world.ensureWorkers(2);
  const port = await freePort();
  const token = (await new TokenStore(world.h.service.store.executor).createToken('submitter', 'fault drill: API restart')).token;
  const target: ApiTarget = { url: `http://127.0.0.1:${port}`, token };
  let api = await startApi(world, port);
  try {
    const files = (await drillSlides(world, 'api-restart')).map((p) => path.basename(p));
    const { batchId } = await apiJson<{ batchId: number }>(target, '/batches', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ params: PARAMS_INPUT, slides: files.map((file) => ({ file, marker: MARKER })) }),
    });
    const seen: ApiRestartResult['seen'] = [];
    let midway: () => void = () => undefined;
    const reachedMidway = new Promise<void>((resolve) => (midway = resolve));
    const following = followBatch(target, batchId, (b) => {
      seen.push({ at: performance.now(), tilesDone: tiles(b), status: b.status });
      if (tiles(b) >= 1) midway();
    });
    // the drill fails, not hangs, if the stream never shows progress
    following.catch(() => midway());
    let giveUp: NodeJS.Timeout | undefined;
    await Promise.race([reachedMidway, new Promise((r) => (giveUp = setTimeout(r, 90_000)))]);
    clearTimeout(giveUp);
    const atFault = seen.at(-1);
    const old = api;
    const stoppedAt = performance.now();
    await stopProcess(old);
    const apiExitCode = old.exitCode;
    api = await startApi(world, port);
    const upAt = performance.now();
    const downS = (upAt - stoppedAt) / 1000;
    const final = await following;
    const endAt = performance.now();
    // the first event after the restart: a progress state, or (nothing having changed) the end
    const nextAt = seen.find((s) => s.at > upAt)?.at ?? endAt;
    const v = await verdict(world, batchId, 120_000);
    const monotone = seen.every((s, i) => i === 0 || s.tilesDone >= seen[i - 1].tilesDone);
    return {
      fault: 'API restarted while a client follows progress (SSE)',
      seen,
      monotone,
      final,
      apiExitCode,
      downS,
      tilesAtFault: atFault?.tilesDone ?? 0,
      tilesTotal: v.batch.slides.reduce((n, s) => n + s.tilesTotal, 0),
      recoverS: (nextAt - upAt) / 1000,
      recoverMeans: "new API listening → the client's next progress event",
      ...v,
    };
  } finally {
    await stopProcess(api);
  }
}
