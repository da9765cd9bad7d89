import { HttpError } from '../../errors/index.js';
import { checkUploadedContent } from '../upload-content.js';
import { fileDigest } from './file-digest.js';
import type { Uploads } from './uploads.js';

export interface VerifiedUpload {
  id: string;
  name: string;
  size: number;
  sha256: string;
  /** the same content was stored already: this upload was dropped and the content is shared */
  duplicate: boolean;
}

/** @tus/server's datastore throws { status_code, body } objects; a missing upload is a 404 here too. */
async function finishedUpload(uploads: Uploads, id: string, owner: string | null) {
  let upload;
  try {
    upload = await uploads.datastore.getUpload(id);
  } catch {
    throw new HttpError(404, `upload ${id} not found (never begun, removed, or expired after ${uploads.settings.expireMs / 3_600_000} h: UPLOAD_EXPIRE_HOURS)`);
  }
  // another token's upload answers exactly like a missing one
  if (owner !== null && upload.metadata?.owner !== owner) throw new HttpError(404, `upload ${id} not found`);
  const name = upload.metadata?.name ?? id;
  if (upload.size === undefined || upload.offset !== upload.size) {
    throw new HttpError(409, `upload ${id} ("${name}") holds ${upload.offset} of ${upload.size ?? '?'} bytes; send the rest before it is verified`);
  }
  if (!upload.storage?.path) throw new Error(`upload ${id} has no file in the upload store`);
  return { name, file: upload.storage.path, size: upload.size };
}

/**
 * Accepts a finished upload as content when the bytes the server holds hash to the SHA-256 the
 * sender computed from its own file; otherwise, or when its content is not what its name says,
 * the upload is removed and the answer says why (422 mismatch, 400 content), so the file is sent
 * again. Content already stored (the same file uploaded twice, perhaps at once) is kept once.
 * `owner` null: any token's upload (an admin's).
 */
export async function verifyUpload(uploads: Uploads, id: string, owner: string | null, claimed: string): Promise<VerifiedUpload> {
  const { name, file, size } = await finishedUpload(uploads, id, owner);
  const digest = await fileDigest(file, uploads.settings.headBytes);
  const discard = () => uploads.datastore.remove(id).catch(() => undefined);
  if (digest.size !== size || digest.sha256 !== claimed) {
    await discard();
    throw new HttpError(
      422,
      `file "${name}": checksum mismatch: the server received ${digest.size} bytes with SHA-256 ${digest.sha256}, the file sent has SHA-256 ${claimed}; the upload was discarded, send the file again`,
    );
  }
  try {
    await checkUploadedContent(name, file);
  } catch (err) {
    await discard();
    throw err;
  }
  const { stored } = await uploads.content.adopt(file, digest);
  await discard();
  return { id, name, size, sha256: digest.sha256, duplicate: !stored };
}
