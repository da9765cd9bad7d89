import { createHash } from 'node:crypto';
import * as tus from 'tus-js-client';
import { HEAD_BYTES } from '../../src/api/uploads/upload-settings.js';

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** the Upload-Metadata "head" of a file's bytes */
export const headOf = (b: Uint8Array) => sha256(b.subarray(0, HEAD_BYTES));

export interface TusOptions {
  chunkSize?: number;
  uploadUrl?: string;
  onProgress?: (sent: number, total: number, upload: tus.Upload) => void;
}

/** One file's upload with the tus client the page uses (its Node build), against a listening server. */
export function tusUpload(base: string, token: string, data: Buffer, name: string, o: TusOptions = {}): { upload: tus.Upload; done: Promise<string> } {
  let upload!: tus.Upload;
  const done = new Promise<string>((resolve, reject) => {
    upload = new tus.Upload(data, {
      endpoint: `${base}/uploads/tus`,
      uploadUrl: o.uploadUrl ?? null,
      headers: { authorization: `Bearer ${token}` },
      metadata: { name, head: headOf(data) },
      chunkSize: o.chunkSize ?? Infinity,
      retryDelays: null,
      storeFingerprintForResuming: false,
      onProgress: (sent, total) => o.onProgress?.(sent, total, upload),
      onSuccess: () => resolve(upload.url!),
      onError: reject,
    });
    upload.start();
  });
  return { upload, done };
}

/** A raw tus creation request (what a client sends before any byte), for refusals the client library would retry. */
export function createUpload(base: string, token: string, size: number, name: string, head = '0'.repeat(64)): Promise<Response> {
  const meta = `name ${Buffer.from(name).toString('base64')},head ${Buffer.from(head).toString('base64')}`;
  return fetch(`${base}/uploads/tus`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', 'upload-length': String(size), 'upload-metadata': meta } });
}

/** Upload id: the last segment of its URL. */
export const idOf = (url: string) => url.split('/').pop()!;
