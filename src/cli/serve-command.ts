import type { Command } from 'commander';
import { stat } from 'node:fs/promises';
import { queueBatchService } from '../api/queue-batch-service.js';
import { buildServer } from '../api/server.js';
import { loadConfig } from '../runtime/config.js';
import { createLogger } from '../runtime/log.js';
import { MetadataError } from '../errors/index.js';
import { openService } from '../service/open-service.js';
import { submitBatch } from '../service/submit.js';
import { ApiAuditLog } from '../store/api-audit-log.js';
import { TokenStore } from '../store/token-store.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the HTTP API (HOST, PORT, SLIDES_ROOT, DATABASE_URL or DATA_DIR, REDIS_URL from the environment); `worker` processes run the batches')
    .option('--host <host>', 'listen address (default $HOST or 127.0.0.1)')
    .option('--port <port>', 'listen port (default $PORT or 8080; 0 picks a free one)')
    .action(async (o: { host?: string; port?: string }) => {
      const config = loadConfig({ ...process.env, ...(o.host ? { HOST: o.host } : {}), ...(o.port ? { PORT: o.port } : {}) });
      const root = await stat(config.SLIDES_ROOT).catch(() => undefined);
      if (!root?.isDirectory()) throw new MetadataError(`SLIDES_ROOT ${config.SLIDES_ROOT} is not a folder; create it or point SLIDES_ROOT at the slides`);
      const log = createLogger(config.LOG_LEVEL);
      const service = await openService(config, undefined, (err) => log.warn({ err: err.message }, 'redis connection error (queues)'));
      const { store, batches, flows, queues } = service;
      const app = await buildServer({
        store,
        tokens: new TokenStore(store.executor),
        audit: new ApiAuditLog(store.executor),
        batches: queueBatchService(batches, (request) => submitBatch({ batches, flows, config }, request)),
        config,
        probes: { store: () => store.executor.query('SELECT 1'), redis: () => queues.connection.ping() },
      });
      const address = await app.listen({ host: config.HOST, port: config.PORT });
      process.stderr.write(`biopsy-quant API listening on ${address} (store: ${store.kind}, SLIDES_ROOT: ${config.SLIDES_ROOT})\n`);

      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        process.stderr.write(`${signal}: shutting down\n`);
        await app.close();
        await service.close();
        process.exit(0);
      };
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.once('SIGINT', () => void stop('SIGINT'));
    });
}
