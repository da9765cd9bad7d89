// One file's way to the server: its first bytes hashed (with its size: is it there already?), the
// whole file hashed in a worker while it uploads with tus (resumable: after a dropped connection
// it asks the server for the offset and goes on; after a closed tab, dropping the same file again
// finds the upload in localStorage and goes on from there), then verified: the server hashes what
// it holds and accepts it only when it equals the file's hash. tus and hash-wasm are loaded by
// submit.html from node_modules (globals `tus`, `hashwasm`).

import { request } from './http.js';

/** ~5 minutes of retries before an upload gives up and offers a Retry button (a hospital network comes back in that time, or it is a longer outage) */
const RETRY_DELAYS = [0, 1000, 2000, 3000, 5000, 5000, 10_000, 10_000, 15_000, 20_000, 30_000, 30_000, 60_000, 60_000];
const PARALLEL_UPLOADS = 3;
const PARALLEL_HASHES = 2;

/** A counting gate: at most `n` holders at once. */
function gate(n) {
  let free = n;
  const waiting = [];
  return async (work) => {
    if (free === 0) await new Promise((r) => waiting.push(r));
    else free--;
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}
const uploadSlot = gate(PARALLEL_UPLOADS);
const hashSlot = gate(PARALLEL_HASHES);

/** The whole file's SHA-256, in a worker; `onProgress(bytes)` as it reads. */
function fullHash(file, onProgress) {
  return hashSlot(
    () =>
      new Promise((resolve, reject) => {
        const worker = new Worker('/submit/hash-worker.js');
        worker.onmessage = ({ data }) => {
          if (data.progress !== undefined) return onProgress(data.progress);
          worker.terminate();
          if (data.error) reject(new Error(data.error));
          else resolve(data.sha256);
        };
        worker.onerror = (e) => {
          worker.terminate();
          reject(new Error(`${file.name}: hashing failed (${e.message})`));
        };
        worker.postMessage({ file });
      }),
  );
}

/** The server's words for a failed tus request: its text or JSON message, else the client's. */
function tusErrorText(err) {
  const res = err.originalResponse;
  if (!res) return err.message;
  const body = (res.getBody() ?? '').trim();
  try {
    return JSON.parse(body).message ?? body;
  } catch {
    return body || `HTTP ${res.getStatus()}`;
  }
}

/**
 * Sends `f` ({ path, file }), updating it as it goes and calling `changed()` after each step:
 * f.state 'hashing' → 'uploading' → 'verifying' → 'verified' | 'linked' (stored already) | 'failed',
 * f.sent (bytes the server holds or has been sent), f.sha256, f.serverName, f.error;
 * f.resumedFrom (the offset an interrupted upload went on from, for each resume) and f.resent
 * (bytes this page had sent past that offset, which went again).
 */
export async function sendFile(token, settings, f, changed) {
  const size = f.file.size;
  Object.assign(f, { state: 'hashing', sent: 0, error: null, hashed: 0, resumedFrom: f.resumedFrom ?? [], resent: f.resent ?? 0 });
  changed();
  try {
    const head = await globalThis.hashwasm.sha256(new Uint8Array(await f.file.slice(0, settings.headBytes).arrayBuffer()));
    const whole = fullHash(f.file, (n) => {
      f.hashed = n;
      changed();
    });
    // a rejection here is reported where it is awaited; unawaited, it would be an unhandled one
    whole.catch(() => undefined);
    const lookup = (body) => request(token, '/uploads/lookup', { method: 'POST', body });
    if ((await lookup({ size, head })).match === 'head') {
      // same size, same first bytes: most likely stored already; the full hash decides before any byte is sent
      const sha256 = await whole;
      if ((await lookup({ size, head, sha256 })).match === 'content') {
        Object.assign(f, { state: 'linked', sent: size, sha256, serverName: f.path });
        changed();
        return;
      }
    }
    const url = await uploadSlot(() => tusSend(token, settings, f, head, changed));
    const sha256 = await whole;
    f.state = 'verifying';
    changed();
    const id = url.split('/').pop();
    const verified = await request(token, `/uploads/${id}/verify`, { method: 'POST', body: { sha256 } });
    Object.assign(f, { state: verified.duplicate ? 'linked' : 'verified', sha256: verified.sha256, serverName: verified.name });
  } catch (err) {
    Object.assign(f, { state: 'failed', error: err.detail ?? err.message });
  }
  changed();
}

function tusSend(token, settings, f, head, changed) {
  return new Promise((resolve, reject) => {
    f.state = 'uploading';
    changed();
    let asked = false;
    let sentBefore = 0;
    const upload = new globalThis.tus.Upload(f.file, {
      endpoint: settings.endpoint,
      chunkSize: settings.chunkBytes,
      retryDelays: RETRY_DELAYS,
      headers: { Authorization: `Bearer ${token}` },
      metadata: { name: f.path, head },
      // the same file dropped again (after a closed tab) finds its upload; the head hash keeps two
      // files of one name and size apart
      fingerprint: async () => ['biopsy-quant', f.path, f.file.size, f.file.lastModified, head].join('|'),
      removeFingerprintOnSuccess: true,
      onBeforeRequest: (req) => {
        asked = req.getMethod() === 'HEAD';
        if (asked) sentBefore = f.sent;
      },
      onAfterResponse: (_req, res) => {
        // a HEAD is how tus learns where to go on: after a drop, or a tab closed and reopened
        if (asked && res.getStatus() === 200) {
          const offset = Number(res.getHeader('Upload-Offset'));
          f.resumedFrom.push(offset);
          f.resent += Math.max(0, sentBefore - offset);
          changed();
        }
      },
      onProgress: (sent) => {
        f.sent = sent;
        changed();
      },
      onSuccess: () => resolve(upload.url),
      onError: (err) => reject(new Error(tusErrorText(err))),
    });
    upload
      .findPreviousUploads()
      .then((previous) => {
        if (previous.length > 0) upload.resumeFromPreviousUpload(previous[0]);
        upload.start();
      })
      .catch(reject);
  });
}
