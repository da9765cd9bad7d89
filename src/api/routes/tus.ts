import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../../errors/index.js';
import { allow, creatorOf, principalOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { Problem } from '../schemas.js';
import { TUS_PATH, uploaders } from '../uploads/tus-server.js';
import type { Uploads } from '../uploads/uploads.js';

const security = [{ bearer: [] }];
const UploadIdParam = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be an upload id') });

/**
 * The tus protocol's routes, handed to @tus/server (uploads/tus-server.ts) once fastify has checked
 * the token: POST creates an upload, HEAD tells its offset, PATCH appends at that offset, DELETE
 * removes it. Only a submitter (or admin) uploads, and an upload answers only the token that began
 * it (another's is a 404, as if it did not exist). The request body is never parsed here: tus
 * streams it to disk as it arrives.
 */
export function tusRoutes(deps: ApiDeps, uploads: Uploads): FastifyPluginAsyncZod {
  return async (app) => {
    app.addContentTypeParser('application/offset+octet-stream', (_req, _payload, done) => done(null));

    async function handOn(req: FastifyRequest, reply: FastifyReply, id?: string): Promise<void> {
      const who = principalOf(req);
      const creator = creatorOf(who);
      if (id !== undefined && who.role !== 'admin') {
        const info = await uploads.datastore.configstore.get(id);
        if (info && info.metadata?.owner !== creator) throw new HttpError(404, `upload ${id} not found`);
      }
      uploaders.set(req.raw, creator);
      reply.hijack();
      await uploads.tus.handle(req.raw, reply.raw);
      // a hijacked reply skips the onSend audit hook (security.ts): record the write here
      if (req.method !== 'HEAD') {
        await deps.audit
          .record({ tokenId: who.tokenId, method: req.method, route: req.routeOptions.url ?? TUS_PATH, path: req.url.split('?')[0], status: reply.raw.statusCode, ip: req.ip })
          .catch((err: unknown) => req.log.error({ err }, 'could not write the API audit log'));
      }
    }

    const create = {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: {
        summary: 'Begin a resumable upload of one file (tus 1.0.0 creation: Upload-Length, Upload-Metadata "name" and "head")',
        description: `The tus protocol (https://tus.io/protocols/resumable-upload). Upload-Metadata: name (the file's name within its slide: "a.tif" or "series/level-0.dcm"), head (SHA-256 hex of its first ${uploads.settings.headBytes} bytes). 201 with Location; 413 over UPLOAD_MAX_FILE_BYTES or UPLOAD_MAX_TOTAL_BYTES, 507 when the upload disk cannot take it. Answers are plain text.`,
        tags: ['uploads'],
        security,
        response: { 201: z.null(), 400: z.string(), 401: Problem, 403: Problem, 413: z.string(), 507: z.string() },
      },
    };
    app.post(TUS_PATH, create, (req, reply) => handOn(req, reply));

    const each = (method: 'HEAD' | 'PATCH' | 'DELETE', summary: string) =>
      app.route({
        method,
        url: `${TUS_PATH}/:id`,
        onRequest: allow(deps.tokens, 'submitter'),
        schema: { summary, tags: ['uploads'], security, params: UploadIdParam, response: { 401: Problem, 403: Problem, 404: Problem } },
        handler: (req, reply) => handOn(req, reply, (req.params as { id: string }).id),
      });
    each('HEAD', "An upload's offset (Upload-Offset): where a resumed upload goes on");
    each('PATCH', 'Append bytes at Upload-Offset (Content-Type application/offset+octet-stream)');
    each('DELETE', 'Remove an unfinished upload (tus termination)');
    // tus clients may ask what the server supports; no token needed to learn the protocol version
    app.route({ method: 'OPTIONS', url: TUS_PATH, schema: { hide: true }, handler: async (req, reply) => { reply.hijack(); await uploads.tus.handle(req.raw, reply.raw); } });
  };
}
