import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesText, refuseNewUpload } from '../../src/api/uploads/upload-quota.js';
import { bearer, openApi, type Api } from './setup.js';
import { createUpload } from './tus-client.js';

/** Issue 16: per-file and per-token limits, the free-space check, and partial uploads expiring. */
const MiB = 1024 ** 2;
let api: Api;
let base: string;

beforeAll(async () => {
  // an expiry of 1.8 s: the sweep (a quarter of it, at least a second) runs every second
  api = await openApi({ uploads: { UPLOAD_MAX_FILE_BYTES: 64 * MiB, UPLOAD_MAX_TOTAL_BYTES: 100 * MiB, UPLOAD_MIN_FREE_BYTES: 0, UPLOAD_EXPIRE_HOURS: 0.0005 } });
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => api.close());

describe('upload limits', () => {
  it('a file over UPLOAD_MAX_FILE_BYTES is refused before any byte is sent (413 naming the file and the setting)', async () => {
    const res = await createUpload(base, api.token.submitter, 64 * MiB + 1, 'huge.svs');
    expect(res.status).toBe(413);
    expect(await res.text()).toBe(`file "huge.svs" is 67108865 bytes (67.1 MB), over the limit of 67108864 bytes (67.1 MB) per file (UPLOAD_MAX_FILE_BYTES)\n`);
  });

  it("a token's unfinished uploads together stay under UPLOAD_MAX_TOTAL_BYTES; another token has its own", async () => {
    expect((await createUpload(base, api.token.submitter, 60 * MiB, 'one.tif')).status).toBe(201);
    const second = await createUpload(base, api.token.submitter, 50 * MiB, 'two.tif');
    expect(second.status).toBe(413);
    expect(await second.text()).toMatch(/^file "two\.tif" \(52428800 bytes \(52\.4 MB\)\) would bring this token's unfinished uploads to 115343360 bytes \(115\.3 MB\), over the limit of 104857600 bytes \(104\.9 MB\) \(UPLOAD_MAX_TOTAL_BYTES\)/);
    expect((await createUpload(base, api.token.submitter2, 50 * MiB, 'two.tif')).status).toBe(201);
  });

  it('partial uploads expire: removed from the upload folder by the periodic sweep, then gone for the client (404)', async () => {
    const res = await createUpload(base, api.token.submitter2, 1000, 'stale.tif');
    const url = `${base}${res.headers.get('location')}`;
    const id = url.split('/').pop()!;
    const partial = path.join(api.root, 'uploads', 'partial');
    expect(await readdir(partial)).toContain(id);
    const until = Date.now() + 10_000;
    while ((await readdir(partial)).includes(id) && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(await readdir(partial)).not.toContain(id);
    const head = await fetch(url, { method: 'HEAD', headers: { ...bearer(api.token.submitter2), 'tus-resumable': '1.0.0' } });
    expect(head.status).toBe(404);
    // the earlier tests' uploads expired too: the totals start again from nothing
    expect(await readdir(partial)).toEqual([]);
  });
});

describe('free space', () => {
  it('an upload the disk cannot take with UPLOAD_MIN_FREE_BYTES kept free is refused (507) and nothing is created', async () => {
    const full = await openApi({ uploads: { UPLOAD_MIN_FREE_BYTES: 10 ** 15 } });
    try {
      const b = await full.app.listen({ host: '127.0.0.1', port: 0 });
      const res = await createUpload(b, full.token.submitter, 1000, 'a.tif');
      expect(res.status).toBe(507);
      expect(await res.text()).toMatch(/^not enough space in the upload folder for file "a\.tif": \d+ bytes \([\d.]+ [kMGT]B\) free, 0 bytes still to come for unfinished uploads, and 1000000000000000 bytes \(1000\.0 TB\) must stay free \(UPLOAD_MIN_FREE_BYTES\)/);
      expect(await readdir(path.join(full.root, 'uploads', 'partial'))).toEqual([]);
    } finally {
      await full.close();
    }
  });

  it('counts what unfinished uploads will still bring against the free space', () => {
    const limits = { maxFileBytes: 1e12, maxTotalBytes: 1e12, minFreeBytes: 100 };
    const pending = [{ owner: 'token:1', size: 1000, offset: 400 }, { owner: 'token:2', size: 500, offset: 500 }];
    // 2000 free − 600 still to come − 1300 new = 100: exactly the reserve, allowed; one byte more is not
    expect(refuseNewUpload({ name: 'x', size: 1300, owner: 'token:3' }, pending, 2000, limits)).toBeNull();
    expect(refuseNewUpload({ name: 'x', size: 1301, owner: 'token:3' }, pending, 2000, limits)?.status).toBe(507);
    expect(bytesText(999)).toBe('999 bytes');
    expect(bytesText(5_368_709_120)).toBe('5368709120 bytes (5.4 GB)');
  });
});
