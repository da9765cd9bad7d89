import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AnalysisParamsInput } from '../../domain/params.js';
import type { SlideMetadata } from '../../domain/slide.js';
import { allow, creatorOf, principalOf } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { HttpError, StorageFullError } from '../../errors/index.js';
import { SECURITY_DEFAULTS } from '../../runtime/config.js';
import { Problem, Submitted, UploadMetadata } from '../schemas.js';
import { resolveSlidePath } from '../slide-path.js';
import { checkUploadedContent } from '../upload-content.js';
import { safeName, uploadedSlides, uploadPath } from '../upload-names.js';

function parseMetadata(text: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `metadata: not valid JSON (${(err as Error).message})`);
  }
  const r = UploadMetadata.safeParse(json);
  if (!r.success) {
    throw new HttpError(400, r.error.issues.map((i) => `metadata.${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return r.data;
}

/**
 * Multipart upload: file parts (any field name) plus an optional `metadata` field, JSON
 * `{ slides: [{ file: <uploaded file or folder name>, patient, timepoint, marker, mpp }], params }`.
 * A file part named "folder/file" lands in that folder, and the folder is one slide.
 * Files stream to UPLOAD_DIR/<upload id>/ (default SLIDES_ROOT/uploads; a fresh random folder: the batch id is only
 * known after submission). Each file and the request as a whole are limited to MAX_UPLOAD_BYTES;
 * past it the upload is removed and the answer is 413. A file whose content is not what its name
 * says (a PNG named .svs) is refused with a 400 (upload-content.ts).
 */
export function uploadRoutes(deps: ApiDeps, uploadDir: string): FastifyPluginAsyncZod {
  const limit = deps.config.MAX_UPLOAD_BYTES;
  const fieldLimit = deps.config.MAX_UPLOAD_FIELD_BYTES ?? SECURITY_DEFAULTS.MAX_UPLOAD_FIELD_BYTES;
  return async (app) => {
    app.post('/batches/upload', {
      onRequest: allow(deps.tokens, 'submitter'),
      schema: {
        summary: 'Upload slide files (multipart/form-data) and submit them as a batch',
        description: `File parts plus an optional "metadata" field (JSON: {slides:[{file, patient, timepoint, marker, mpp}], params}). At most MAX_UPLOAD_BYTES per request (this server: ${limit}).`,
        consumes: ['multipart/form-data'],
        tags: ['batches'],
        security: [{ bearer: [] }],
        response: { 201: Submitted, 400: Problem, 401: Problem, 403: Problem, 413: Problem, 415: Problem, 507: Problem },
      },
    }, async (req, reply) => {
      const who = principalOf(req);
      if (!req.isMultipart()) throw new HttpError(415, 'POST /batches/upload takes multipart/form-data (use POST /batches for a JSON manifest)');
      // the upload folder is the root these slides are checked against: it may lie outside SLIDES_ROOT
      const root = uploadDir;
      const dir = path.join(root, randomUUID());
      await mkdir(dir, { recursive: true });
      try {
        const files: string[] = [];
        let meta: { slides: ({ file: string } & SlideMetadata)[]; params?: AnalysisParamsInput } = { slides: [] };
        let total = 0;
        for await (const part of req.parts({ limits: { fileSize: limit }, preservePath: true })) {
          if (part.type === 'field') {
            if (part.fieldname !== 'metadata') throw new HttpError(400, `unexpected form field "${part.fieldname}" (only "metadata" and files)`);
            if (part.valueTruncated) throw new HttpError(413, `form field "metadata" is larger than the limit of ${fieldLimit} bytes (MAX_UPLOAD_FIELD_BYTES)`);
            meta = parseMetadata(String(part.value));
            continue;
          }
          const name = uploadPath(part.filename);
          if (files.includes(name)) throw new HttpError(400, `file "${name}" is uploaded twice`);
          const top = name.split('/')[0];
          if (files.some((f) => (f === top) !== (name === top) && f.split('/')[0] === top)) throw new HttpError(400, `"${top}" is uploaded both as a file and as a folder`);
          if (name !== top) await mkdir(path.join(dir, top), { recursive: true });
          files.push(name);
          const count = new Transform({
            transform(chunk: Buffer, _enc, done) {
              total += chunk.length;
              done(total > limit ? new HttpError(413, `upload is larger than the limit of ${limit} bytes (MAX_UPLOAD_BYTES)`) : null, chunk);
            },
          });
          await pipeline(part.file, count, createWriteStream(path.join(dir, name)));
          if (part.file.truncated) throw new HttpError(413, `file "${name}" is larger than the upload limit of ${limit} bytes (MAX_UPLOAD_BYTES)`);
        }
        if (files.length === 0) throw new HttpError(400, 'no files in the upload');
        for (const name of files) await checkUploadedContent(name, path.join(dir, name));
        const entries = uploadedSlides(files);
        const byName = new Map(meta.slides.map((e, i) => [safeName(e.file), { e, i }]));
        for (const [name, { i }] of byName) {
          if (!entries.includes(name)) throw new HttpError(400, `metadata.slides.${i}.file: "${name}" is not among the uploaded files (${entries.join(', ')})`);
        }
        const slides = [];
        for (const name of entries) {
          const { file: _file, ...metadata } = byName.get(name)?.e ?? { file: name };
          // relative to the root, so a refusal names the upload, not the server's folders
          slides.push({ path: await resolveSlidePath(root, path.relative(root, path.join(dir, name)), `upload "${name}"`), metadata });
        }
        const { batchId } = await deps.batches.submit({ slides, createdBy: creatorOf(who), params: meta.params ?? {} });
        return reply.code(201).send({ batchId, slides: slides.length });
      } catch (err) {
        await rm(dir, { recursive: true, force: true });
        // the raw ENOSPC would be a bare 500; the sender must learn the disk is full and nothing was kept
        if (StorageFullError.isDiskFull(err)) {
          throw new StorageFullError('the upload disk is full: nothing of this upload was kept and no batch was created; send it again once space is freed', { cause: err });
        }
        throw err;
      }
    });
  };
}
