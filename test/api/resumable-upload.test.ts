import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, openApi, type Api } from './setup.js';
import { createUpload, headOf, idOf, sha256, tusUpload } from './tus-client.js';

/**
 * Issue 16: resumable uploads with the tus protocol on the API's own server (real HTTP, the tus
 * client the page uses), verified against the sender's SHA-256, stored once per content.
 */
let api: Api;
let base: string;
const MiB = 1024 ** 2;
/** bytes that begin as a little-endian TIFF does: uploads are checked by content */
const tiffBytes = (n: number) => Buffer.concat([Buffer.from([0x49, 0x49, 42, 0]), randomBytes(n - 4)]);
const uploadDir = () => path.join(api.root, 'uploads');

beforeAll(async () => {
  api = await openApi();
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => api.close());

async function verify(url: string, sha: string, token = api.token.submitter) {
  return api.app.inject({ method: 'POST', url: `/uploads/${idOf(url)}/verify`, headers: bearer(token), payload: { sha256: sha } });
}

describe('tus uploads: roles', () => {
  it('a reader may not upload (403), a submitter may (201 with the upload\'s location), no token is a 401', async () => {
    const reader = await createUpload(base, api.token.reader, 1000, 'a.tif');
    expect(reader.status).toBe(403);
    expect((await reader.json()).message).toBe('a reader token may not POST /uploads/tus; needs submitter or admin');
    const anon = await fetch(`${base}/uploads/tus`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': '10' } });
    expect(anon.status).toBe(401);
    const ok = await createUpload(base, api.token.submitter, 1000, 'a.tif');
    expect(ok.status).toBe(201);
    expect(ok.headers.get('location')).toMatch(/^\/uploads\/tus\/[0-9a-f]{32}$/);
    // another submitter cannot see or touch it; the reader neither
    const url = `${base}${ok.headers.get('location')}`;
    const head = (token: string) => fetch(url, { method: 'HEAD', headers: { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0' } });
    expect((await head(api.token.submitter)).headers.get('upload-offset')).toBe('0');
    expect((await head(api.token.submitter2)).status).toBe(404);
    expect((await head(api.token.reader)).status).toBe(403);
  });

  it('refuses metadata without a name or head, and an upload without a declared length', async () => {
    const noHead = await fetch(`${base}/uploads/tus`, {
      method: 'POST',
      headers: { ...bearer(api.token.submitter), 'tus-resumable': '1.0.0', 'upload-length': '10', 'upload-metadata': `name ${Buffer.from('a.tif').toString('base64')}` },
    });
    expect(noHead.status).toBe(400);
    expect(await noHead.text()).toBe('Upload-Metadata: head: Invalid input: expected string, received undefined\n');
    const deferred = await fetch(`${base}/uploads/tus`, {
      method: 'POST',
      headers: { ...bearer(api.token.submitter), 'tus-resumable': '1.0.0', 'upload-defer-length': '1', 'upload-metadata': `name ${Buffer.from('a.tif').toString('base64')},head ${Buffer.from('0'.repeat(64)).toString('base64')}` },
    });
    expect(deferred.status).toBe(400);
    expect(await deferred.text()).toMatch(/^file "a\.tif": Upload-Length is required/);
  });
});

describe('tus uploads: resume, verify, store once', () => {
  it('an upload cut off part-way goes on from the offset the server holds, and is verified against the sender\'s SHA-256', async () => {
    const data = tiffBytes(24 * MiB);
    let cut = 0;
    const first = tusUpload(base, api.token.submitter, data, 'big slide.tif', {
      chunkSize: 4 * MiB,
      onProgress: (sent, _total, upload) => {
        if (cut === 0 && sent > 10 * MiB) {
          cut = sent;
          void upload.abort();
        }
      },
    });
    // abort() leaves the promise pending: wait for the cut, then for the server to settle its write
    const until = Date.now() + 20_000;
    while (cut === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(cut).toBeGreaterThan(10 * MiB);
    await new Promise((r) => setTimeout(r, 300));
    const url = first.upload.url!;
    const headed = await fetch(url, { method: 'HEAD', headers: { ...bearer(api.token.submitter), 'tus-resumable': '1.0.0' } });
    const offset = Number(headed.headers.get('upload-offset'));
    expect(offset).toBeGreaterThanOrEqual(8 * MiB);
    expect(offset).toBeLessThan(data.length);
    expect(headed.headers.get('upload-length')).toBe(String(data.length));

    const progress: number[] = [];
    const resumed = tusUpload(base, api.token.submitter, data, 'big slide.tif', { chunkSize: 4 * MiB, uploadUrl: url, onProgress: (sent) => progress.push(sent) });
    expect(await resumed.done).toBe(url);
    // nothing before the server's offset was sent again: the first progress is past it
    expect(Math.min(...progress)).toBeGreaterThanOrEqual(offset);

    const before = await verify(url, sha256(Buffer.from('not the file')));
    expect(before.statusCode).toBe(422);
    expect(before.json().message).toBe(
      `file "big_slide.tif": checksum mismatch: the server received ${data.length} bytes with SHA-256 ${sha256(data)}, the file sent has SHA-256 ${sha256(Buffer.from('not the file'))}; the upload was discarded, send the file again`,
    );
    // the bad upload is gone: verifying it again finds nothing
    expect((await verify(url, sha256(data))).statusCode).toBe(404);
  });

  it('a verified upload becomes content; the same file again is recognised by its first bytes and size, then by its hash, and stored once', async () => {
    const data = tiffBytes(12 * MiB);
    const lookup = (body: object) => api.app.inject({ method: 'POST', url: '/uploads/lookup', headers: bearer(api.token.submitter), payload: body });
    expect((await lookup({ size: data.length, head: headOf(data) })).json()).toEqual({ match: 'none' });

    const url = await tusUpload(base, api.token.submitter, data, 'slide.tif', { chunkSize: 5 * MiB }).done;
    const ok = await verify(url, sha256(data));
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ id: idOf(url), name: 'slide.tif', size: data.length, sha256: sha256(data), duplicate: false });
    const blob = path.join(uploadDir(), 'content', sha256(data));
    // compared as bytes: a deep equality of 12 MiB element by element takes minutes
    expect((await readFile(blob)).equals(data)).toBe(true);
    // the partial upload is gone once verified
    expect(await readdir(path.join(uploadDir(), 'partial'))).not.toContain(idOf(url));

    // same size and first 8 MiB but a different end: a likely duplicate until the full hash says otherwise
    const lookalike = Buffer.from(data);
    lookalike[lookalike.length - 1] ^= 0xff;
    expect((await lookup({ size: data.length, head: headOf(lookalike) })).json()).toEqual({ match: 'head' });
    expect((await lookup({ size: data.length, head: headOf(lookalike), sha256: sha256(lookalike) })).json()).toEqual({ match: 'head' });
    expect((await lookup({ size: data.length, head: headOf(data), sha256: sha256(data) })).json()).toEqual({ match: 'content' });

    // another submitter uploads the very same bytes anyway: accepted, and kept once
    const again = await tusUpload(base, api.token.submitter2, data, 'copy.tif').done;
    const dup = await verify(again, sha256(data), api.token.submitter2);
    expect(dup.json()).toMatchObject({ name: 'copy.tif', sha256: sha256(data), duplicate: true });
    expect((await readdir(path.join(uploadDir(), 'content'))).filter((n) => n === sha256(data))).toHaveLength(1);
    expect((await stat(blob)).nlink).toBe(1);
  });

  it('refuses at verification a file whose content is not what its name says', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(1000)]);
    const url = await tusUpload(base, api.token.submitter, png, 'scan.svs').done;
    const res = await verify(url, sha256(png));
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('file "scan.svs": its content is a PNG image, not a TIFF as its name (.svs) says; uploads are checked by content');
  });

  it('an unfinished upload cannot be verified (409)', async () => {
    const res = await createUpload(base, api.token.submitter, 5000, 'half.tif');
    const url = `${base}${res.headers.get('location')}`;
    const v = await verify(url, '0'.repeat(64));
    expect(v.statusCode).toBe(409);
    expect(v.json().message).toBe(`upload ${idOf(url)} ("half.tif") holds 0 of 5000 bytes; send the rest before it is verified`);
  });
});
