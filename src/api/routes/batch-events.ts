import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorMessage } from '../../errors/index.js';
import { allow, principalOf } from '../auth.js';
import { visibleBatch } from '../batch-access.js';
import { isFinished } from '../batch-service.js';
import type { ApiDeps } from '../deps.js';
import { batchJson } from '../json-views.js';
import { BatchId, Problem } from '../schemas.js';

/** Proxies drop idle streams after ~60 s; a comment line this often keeps a quiet one open. */
const KEEPALIVE_MS = 15_000;

/**
 * An event's id names the state it carries (a digest of it), not its place in one connection: a
 * client that comes back with Last-Event-ID, to this server or to the one that replaced it, is not
 * sent the state it already has again.
 */
function stateId(json: string): string {
  return createHash('sha256').update(json).digest('base64url').slice(0, 16);
}

/**
 * Server-sent events: `progress` with the whole batch (every slide's status and tiles) whenever it
 * changes, then one `end` with the final state when the batch is finished. The store is polled
 * rather than subscribed to, so this works the same behind any queue and any number of workers.
 */
export function batchEventRoutes(deps: ApiDeps): FastifyPluginAsyncZod {
  const pollMs = deps.pollMs ?? 500;
  return async (app) => {
    // open streams end when the server shuts down; clients re-open them against the next one
    let closing = false;
    app.addHook('preClose', async () => {
      closing = true;
    });
    app.get('/batches/:id/events', {
      onRequest: allow(deps.tokens, 'submitter', 'reader'),
      schema: {
        summary: 'Progress stream (text/event-stream): "progress" events with the batch, then "end"',
        tags: ['batches'],
        security: [{ bearer: [] }],
        params: BatchId,
        produces: ['text/event-stream'],
        response: { 401: Problem, 403: Problem, 404: Problem },
      },
    }, async (req, reply) => {
      const who = principalOf(req);
      const id = req.params.id;
      // 404/403 are answered as JSON before the stream starts
      let batch = await visibleBatch(deps.batches, who, id);
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      let open = true;
      out.on('close', () => {
        open = false;
      });
      // a resumed stream starts from the state the client last saw: no repeat of it
      const resumedFrom = req.headers['last-event-id'];
      let last = '';
      let quietSince = Date.now();
      try {
        for (;;) {
          const json = JSON.stringify(batchJson(batch));
          const eventId = stateId(json);
          if (last === '' && eventId === resumedFrom) last = json;
          if (json !== last) {
            out.write(`id: ${eventId}\nevent: progress\ndata: ${json}\n\n`);
            last = json;
            quietSince = Date.now();
          } else if (Date.now() - quietSince >= KEEPALIVE_MS) {
            out.write(': keep-alive\n\n');
            quietSince = Date.now();
          }
          if (isFinished(batch.status)) {
            out.write(`id: ${eventId}\nevent: end\ndata: ${json}\n\n`);
            break;
          }
          await sleep(pollMs);
          if (!open) return;
          if (closing) break;
          const next = await deps.batches.get(id);
          if (!next) {
            out.write(`event: error\ndata: ${JSON.stringify({ message: `batch ${id} no longer exists` })}\n\n`);
            break;
          }
          batch = next;
        }
      } catch (err) {
        req.log.error({ err }, 'progress stream failed');
        if (open) out.write(`event: error\ndata: ${JSON.stringify({ message: errorMessage(err) })}\n\n`);
      }
      out.end();
    });
  };
}
