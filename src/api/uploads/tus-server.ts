import { statfs } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { FileStore } from '@tus/file-store';
import { Server } from '@tus/server';
import { z } from 'zod';
import { Sha256Hex } from '../../store/inputs.js';
import { uploadPath } from '../upload-names.js';
import { refuseNewUpload, type PendingUpload } from './upload-quota.js';
import type { UploadArea, UploadSettings } from './upload-settings.js';

export const TUS_PATH = '/uploads/tus';

/**
 * The Upload-Metadata every file's upload carries (tus sends it base64-encoded; @tus/server
 * decodes it). Other keys a tus client adds are dropped; `owner` is the server's to set.
 */
export const UploadFileMetadata = z.object({
  /** the file's name within its slide: "a.tif", or "series/level-0.dcm" for a file of a folder slide */
  name: z.string().min(1).max(500),
  /** SHA-256 of the file's first HEAD_BYTES, hex: with the size, what finds a likely duplicate */
  head: Sha256Hex,
});

/** A tus hook's refusal: @tus/server answers with this status and body (plain text). */
export interface TusRefusal {
  status_code: number;
  body: string;
}
const refuse = (status_code: number, message: string): TusRefusal => ({ status_code, body: `${message}\n` });

/** The token behind each request the tus server handles, set by the route before it hands the request on. */
export const uploaders = new WeakMap<IncomingMessage, string>();

function nodeRequest(req: Request): IncomingMessage | undefined {
  return (req as Request & { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
}

/** What the uploads in progress will still take; an upload whose file is gone takes nothing. */
export async function pendingUploads(store: FileStore): Promise<(PendingUpload & { id: string; creation: string | undefined })[]> {
  const ids = await store.configstore.list?.() ?? [];
  const out = [];
  for (const id of ids) {
    const u = await store.getUpload(id).catch(() => undefined);
    if (!u || u.size === undefined) continue;
    out.push({ id, owner: u.metadata?.owner ?? null, size: u.size, offset: u.offset, creation: u.creation_date });
  }
  return out;
}

/**
 * The tus server (resumable uploads, protocol 1.0.0: creation, termination, expiration) over a
 * FileStore in the upload area's `partial` folder. A new upload must declare its length (the limits
 * and the disk check need it) and carry UploadFileMetadata; it is refused when over a limit or when
 * the disk cannot take it (upload-quota.ts). Its bytes are written as they arrive, so a connection
 * that drops loses only what was in flight: the client asks for the offset and goes on from there.
 */
export function createTusServer(area: UploadArea, settings: UploadSettings, corsOrigins: string[]): Server {
  const datastore = new FileStore({ directory: area.partial, expirationPeriodInMilliseconds: settings.expireMs });
  const limits = { maxFileBytes: settings.maxFileBytes, maxTotalBytes: settings.maxTotalBytes, minFreeBytes: settings.minFreeBytes };
  return new Server({
    path: TUS_PATH,
    datastore,
    relativeLocation: true,
    // no maxSize: onUploadCreate refuses an over-size file naming it, and a PATCH can never pass the declared length
    // @tus/server answers any origin unless told; the API's CORS list governs it too (closed when empty)
    allowedOrigins: corsOrigins,
    async onUploadCreate(req, upload) {
      const owner = (() => {
        const raw = nodeRequest(req);
        return raw ? uploaders.get(raw) : undefined;
      })();
      if (!owner) throw refuse(401, 'authentication required');
      const meta = UploadFileMetadata.safeParse(upload.metadata ?? {});
      if (!meta.success) throw refuse(400, `Upload-Metadata: ${meta.error.issues.map((i) => `${i.path.join('.') || '(metadata)'}: ${i.message}`).join('; ')}`);
      // the same naming rule as every upload; a name it would change is refused rather than renamed behind the sender's back
      let name: string;
      try {
        name = uploadPath(meta.data.name);
      } catch (err) {
        throw refuse(400, `Upload-Metadata: name: ${(err as Error).message}`);
      }
      if (upload.size === undefined) throw refuse(400, `file "${name}": Upload-Length is required (a deferred length cannot be checked against the limits and the free disk space)`);
      const fs = await statfs(area.partial);
      const refusal = refuseNewUpload({ name, size: upload.size, owner }, await pendingUploads(datastore), fs.bavail * fs.bsize, limits);
      if (refusal) throw refuse(refusal.status, refusal.message);
      return { metadata: { name, head: meta.data.head, owner } };
    },
    onResponseError(_req, err) {
      // tus' own words for a body past the declared length are terse; say which length it was
      const body = 'body' in err ? err.body : '';
      if (body === "upload's size exceeded\n") return refuse(413, 'more bytes were sent than the upload declared (Upload-Length)');
      return undefined;
    },
  });
}

export function tusDatastore(server: Server): FileStore {
  return server.datastore as FileStore;
}
