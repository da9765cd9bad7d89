import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Sha256Hex } from '../../store/inputs.js';
import { allow, creatorOf, principalOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { Problem } from '../schemas.js';
import { TUS_PATH } from '../uploads/tus-server.js';
import type { Uploads } from '../uploads/uploads.js';
import { verifyUpload } from '../uploads/verify-upload.js';

const security = [{ bearer: [] }];

const UploadSettingsJson = z.object({
  endpoint: z.string().describe('the tus endpoint'),
  chunkBytes: z.number().int().describe('bytes per PATCH request (UPLOAD_CHUNK_BYTES)'),
  headBytes: z.number().int().describe('bytes at the start of a file whose SHA-256 is its Upload-Metadata "head"'),
  maxFileBytes: z.number().int().describe('UPLOAD_MAX_FILE_BYTES'),
  maxTotalBytes: z.number().int().describe("UPLOAD_MAX_TOTAL_BYTES: one token's unfinished uploads together"),
  expireHours: z.number().describe('UPLOAD_EXPIRE_HOURS: an unfinished upload is removed this long after it began'),
});

const LookupBody = z
  .object({
    size: z.number().int().nonnegative(),
    head: Sha256Hex.describe('SHA-256 of the first headBytes bytes'),
    sha256: Sha256Hex.optional().describe('SHA-256 of the whole file, once known'),
  })
  .strict();
const LookupJson = z.object({
  match: z.enum(['none', 'head', 'content']).describe("content: stored already (use its sha256, upload nothing); head: stored content begins the same way and has the same size (compare the full hash before uploading); none"),
});

const VerifyBody = z.object({ sha256: Sha256Hex.describe('SHA-256 of the whole file, as the sender computed it from its own copy') }).strict();
const VerifiedJson = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  duplicate: z.boolean().describe('the same content was stored already; it is kept once'),
});

/**
 * Around the tus upload itself: the settings a client needs, duplicate detection before an upload
 * (or its end), and verification of a finished upload against the sender's SHA-256, which turns
 * it into content that a batch may name (POST /batches/uploaded).
 */
export function uploadInfoRoutes(deps: ApiDeps, uploads: Uploads): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/uploads/settings', {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: { summary: 'What a resumable upload needs to know: endpoint, chunk size, limits', tags: ['uploads'], security, response: { 200: UploadSettingsJson, 401: Problem, 403: Problem } },
    }, async () => ({
      endpoint: TUS_PATH,
      chunkBytes: uploads.settings.chunkBytes,
      headBytes: uploads.settings.headBytes,
      maxFileBytes: uploads.settings.maxFileBytes,
      maxTotalBytes: uploads.settings.maxTotalBytes,
      expireHours: uploads.settings.expireMs / 3_600_000,
    }));

    app.post('/uploads/lookup', {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: {
        summary: 'Is this content stored already? By size and the hash of its first bytes, then by its full hash',
        tags: ['uploads'],
        security,
        body: LookupBody,
        response: { 200: LookupJson, 400: Problem, 401: Problem, 403: Problem },
      },
    }, async (req) => {
      const { size, head, sha256 } = req.body;
      if (sha256 !== undefined && (await uploads.content.has(sha256))) return { match: 'content' as const };
      return { match: (await uploads.content.headKnown(size, head)) ? ('head' as const) : ('none' as const) };
    });

    app.post('/uploads/:id/verify', {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: {
        summary: "Accept a finished upload when the server's SHA-256 of it equals the sender's; 422 (and the upload removed) when not",
        tags: ['uploads'],
        security,
        params: z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be an upload id') }),
        body: VerifyBody,
        response: { 200: VerifiedJson, 400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem },
      },
    }, async (req) => {
      const who = principalOf(req);
      return verifyUpload(uploads, req.params.id, who.role === 'admin' ? null : creatorOf(who), req.body.sha256);
    });
  };
}
