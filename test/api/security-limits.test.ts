import type { AddressInfo } from 'node:net';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { rawGet } from '../../bench/soak/security.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverPathScrubber } from '../../src/api/server-paths.js';
import { seedScores } from './seed-scores.js';
import { bearer, multipart, openApi, type Api } from './setup.js';

const LIMITS = { MAX_HEADER_BYTES: 4096, MAX_QUERY_BYTES: 256, MAX_QUERY_PARAMS: 8, BODY_LIMIT_BYTES: 2048, MAX_UPLOAD_FILES: 3, MAX_UPLOAD_FIELD_BYTES: 1024 };
let api: Api;
beforeAll(async () => {
  api = await openApi({ security: LIMITS });
});
afterAll(() => api.close());

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
const TIFF = Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0]);
const uploads = async () => readdir(path.join(api.root, 'uploads')).catch(() => [] as string[]);
async function upload(parts: Parameters<typeof multipart>[0]) {
  const { payload, headers } = await multipart(parts);
  return api.app.inject({ method: 'POST', url: '/batches/upload', payload, headers: { ...headers, ...bearer(api.token.submitter) } });
}
const problem = (status: number, error: string, message: string) => ({ statusCode: status, error, message });

describe('request limits, each refused with a 4xx naming the limit (issue 14)', () => {
  it('body over BODY_LIMIT_BYTES: 413', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/batches', headers: bearer(api.token.submitter), payload: { slides: [{ file: 'a.png', marker: 'x'.repeat(3000) }] } });
    expect(res.json()).toEqual(problem(413, 'Payload Too Large', 'request body is larger than the limit of 2048 bytes (BODY_LIMIT_BYTES)'));
  });

  it('query string over MAX_QUERY_BYTES: 414; more than MAX_QUERY_PARAMS parameters: 400', async () => {
    const long = await api.app.inject({ method: 'GET', url: `/scores?marker=${'x'.repeat(300)}`, headers: bearer(api.token.reader) });
    expect(long.json()).toEqual(problem(414, 'URI Too Long', 'query string is 307 bytes, over the limit of 256 (MAX_QUERY_BYTES)'));
    const many = await api.app.inject({ method: 'GET', url: `/scores?${Array.from({ length: 9 }, (_, i) => `a${i}=1`).join('&')}`, headers: bearer(api.token.reader) });
    expect(many.json()).toEqual(problem(400, 'Bad Request', 'query string has 9 parameters, over the limit of 8 (MAX_QUERY_PARAMS)'));
    // within both limits the route answers as before
    expect((await api.app.inject({ method: 'GET', url: '/scores?marker=CD163', headers: bearer(api.token.reader) })).statusCode).toBe(200);
  });

  it('headers over MAX_HEADER_BYTES: 431 from the socket, before any route', async () => {
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = api.app.server.address() as AddressInfo;
    const answer = (headers: Record<string, string>) => rawGet(port, headers);
    const big = await answer({ 'x-padding': 'y'.repeat(5000) });
    expect(big.status).toBe(431);
    expect(JSON.parse(big.body)).toEqual(problem(431, 'Request Header Fields Too Large', 'request headers are larger than the limit of 4096 bytes (MAX_HEADER_BYTES)'));
    expect((await answer({ 'x-padding': 'y'.repeat(1000) })).status).toBe(200);
  });

  it('multipart: more than MAX_UPLOAD_FILES files, a metadata field over MAX_UPLOAD_FIELD_BYTES: 413, nothing kept', async () => {
    const before = await uploads();
    const files = await upload(Array.from({ length: 4 }, (_, i) => ({ name: 'file', value: TIFF, filename: `s${i}.tif` })));
    expect(files.json()).toEqual(problem(413, 'Payload Too Large', 'upload has more than 3 files (MAX_UPLOAD_FILES)'));
    const meta = await upload([{ name: 'metadata', value: JSON.stringify({ slides: [{ file: 'x'.repeat(2000) }] }) }, { name: 'file', value: TIFF, filename: 's.tif' }]);
    expect(meta.json()).toEqual(problem(413, 'Payload Too Large', 'form field "metadata" is larger than the limit of 1024 bytes (MAX_UPLOAD_FIELD_BYTES)'));
    expect(await uploads()).toEqual(before);
  });
});

describe('uploads are checked by content, not by name (issue 14)', () => {
  it.each([
    ['a PNG named .svs', PNG, 'scan.svs', 'file "scan.svs": its content is a PNG image, not a TIFF as its name (.svs) says; uploads are checked by content'],
    ['a text file named .tif', Buffer.from('hello, I am a text file\n'), 'notes.tif', 'file "notes.tif": its content is text, not a TIFF as its name (.tif) says; uploads are checked by content'],
    ['a TIFF named .png', TIFF, 'photo.png', 'file "photo.png": its content is a TIFF, not a PNG image as its name (.png) says; uploads are checked by content'],
    ['an empty .jpg', Buffer.alloc(0), 'empty.jpg', 'file "empty.jpg": its content is empty, not a JPEG image as its name (.jpg) says; uploads are checked by content'],
    ['random bytes named .dcm', Buffer.alloc(200, 0xab), 'x.dcm', 'file "x.dcm": its content is no slide format (first bytes ab ab ab ab ab ab ab ab), not a DICOM file as its name (.dcm) says; uploads are checked by content'],
  ])('refuses %s with 400 and keeps nothing', async (_what, bytes, filename, message) => {
    const before = await uploads();
    const n = api.batches.submitted.length;
    const res = await upload([{ name: 'file', value: TIFF, filename: 'good.tif' }, { name: 'file', value: bytes, filename }]);
    expect(res.json()).toEqual(problem(400, 'Bad Request', message));
    expect(await uploads()).toEqual(before);
    expect(api.batches.submitted.length).toBe(n);
  });

  it('takes files whose content is what their name says, and names it does not know', async () => {
    const res = await upload([
      { name: 'file', value: PNG, filename: 'a.png' },
      { name: 'file', value: TIFF, filename: 'b.SVS' },
      { name: 'file', value: Buffer.concat([Buffer.alloc(128), Buffer.from('DICM')]), filename: 'series/level-0.dcm' },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().slides).toBe(3);
  });
});

describe('error bodies name the user input, never server paths (issue 14)', () => {
  it('a slide that cannot be shown is named by its path under SLIDES_ROOT', async () => {
    const [{ slideId }] = await seedScores(api.store, [{ name: 'leaky', patient: 'P8', timepoint: 'baseline', marker: 'CD163', cells: 3 }]);
    // sub/b.tif exists under SLIDES_ROOT, and is not a TIFF
    await api.store.executor.query('UPDATE slides SET path = $1 WHERE id = $2', [path.join(api.root, 'sub', 'b.tif'), slideId]);
    const res = await api.app.inject({ method: 'GET', url: `/slides/${slideId}/dzi`, headers: bearer(api.token.reader) });
    expect(res.statusCode).toBe(404);
    const { message } = res.json<{ message: string }>();
    expect(message).toMatch(new RegExp(`^slide ${slideId} cannot be shown: sub/b\\.tif: not a supported slide format`));
    expect(message).not.toContain(api.root);
    expect(message).not.toContain(path.dirname(api.root));
    expect(res.body).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('scrubs SLIDES_ROOT, DATA_DIR, the application folder and node_modules out of a message; the client\'s own paths stay', async () => {
    const scrub = await serverPathScrubber({ SLIDES_ROOT: '/srv/slides', DATA_DIR: '/var/lib/bq' });
    expect(scrub('upload "x": /srv/slides/uploads/1/x.svs: not a supported slide format')).toBe('upload "x": uploads/1/x.svs: not a supported slide format');
    expect(scrub('cannot list /srv/slides: EACCES')).toBe('cannot list SLIDES_ROOT: EACCES');
    expect(scrub('cannot open /var/lib/bq/store/base (locked)')).toBe('cannot open store/base (locked)');
    expect(scrub(`${process.cwd()}/node_modules/sharp/lib/input.js: bad input`)).toBe('a library file: bad input');
    expect(scrub('/srv/slides2/x.tif')).toBe('/srv/slides2/x.tif');
    expect(scrub('slides[0].file "/etc/passwd": is outside SLIDES_ROOT')).toBe('slides[0].file "/etc/passwd": is outside SLIDES_ROOT');
  });
});
