import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, multipart, openApi, type Api } from './setup.js';

const LIMIT = 64 * 1024;
/** bytes that start as a little-endian TIFF does: uploads are checked by content */
const tiff = (rest: Buffer | string) => Buffer.concat([Buffer.from([0x49, 0x49, 42, 0]), Buffer.from(rest)]);
let api: Api;

beforeAll(async () => {
  api = await openApi({ maxUploadBytes: LIMIT });
});
afterAll(() => api.close());

async function upload(parts: Parameters<typeof multipart>[0]) {
  const { payload, headers } = await multipart(parts);
  return api.app.inject({ method: 'POST', url: '/batches/upload', payload, headers: { ...headers, ...bearer(api.token.submitter) } });
}
const uploads = async () => readdir(path.join(api.root, 'uploads')).catch(() => [] as string[]);

describe('POST /batches/upload', () => {
  it('stores the files under SLIDES_ROOT/uploads/<id>/ and submits them with their metadata', async () => {
    const a = tiff(Buffer.alloc(LIMIT / 2, 7));
    const b = tiff('second slide');
    const res = await upload([
      { name: 'file', value: a, filename: 'biopsy A.svs' },
      { name: 'metadata', value: JSON.stringify({ slides: [{ file: 'biopsy A.svs', patient: 'P3', timepoint: 'M0', marker: 'cd-163', mpp: 0.5 }], params: { tileSize: 512 } }) },
      { name: 'file', value: b, filename: '../../sneaky.tif' },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ batchId: expect.any(Number), slides: 2 });
    const req = api.batches.submitted.at(-1)!;
    expect(req.params.tileSize).toBe(512);
    const [pa, pb] = req.slides.map((s) => s.path);
    // client names are reduced to plain file names in one fresh folder
    expect(path.basename(pa)).toBe('biopsy_A.svs');
    expect(path.basename(pb)).toBe('sneaky.tif');
    expect(path.dirname(pa)).toBe(path.dirname(pb));
    expect(path.dirname(path.dirname(pa)).endsWith(`${path.sep}slides${path.sep}uploads`)).toBe(true);
    expect(await readFile(pa)).toEqual(a);
    expect(await readFile(pb)).toEqual(b);
    // names made canonical at the door: 'M0' is the baseline biopsy, 'cd-163' the registry's CD163
    expect(req.slides[0].metadata).toEqual({ patient: 'P3', timepoint: 'baseline', marker: 'CD163', mpp: 0.5 });
    expect(req.slides[1].metadata).toEqual({});
  });

  it('refuses a file over MAX_UPLOAD_BYTES with 413 and a clear message, and keeps nothing', async () => {
    const before = await uploads();
    const n = api.batches.submitted.length;
    const res = await upload([{ name: 'file', value: Buffer.alloc(LIMIT + 1), filename: 'big.tif' }]);
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ statusCode: 413, error: 'Payload Too Large', message: `file "big.tif" is larger than the upload limit of ${LIMIT} bytes (MAX_UPLOAD_BYTES)` });
    expect(await uploads()).toEqual(before);
    expect(api.batches.submitted.length).toBe(n);
  });

  it('refuses files that together exceed the limit with 413', async () => {
    const before = await uploads();
    const half = tiff(Buffer.alloc(LIMIT / 2 + 10));
    const res = await upload([
      { name: 'file', value: half, filename: 'one.tif' },
      { name: 'file', value: half, filename: 'two.tif' },
    ]);
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toBe(`upload is larger than the limit of ${LIMIT} bytes (MAX_UPLOAD_BYTES)`);
    expect(await uploads()).toEqual(before);
  });

  it('names the bad metadata field (400), an entry for a file not uploaded, and an upload with no files', async () => {
    const bad = await upload([
      { name: 'metadata', value: JSON.stringify({ slides: [{ file: 'x.tif', mpp: -2 }] }) },
      { name: 'file', value: 'x', filename: 'x.tif' },
    ]);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toBe('metadata.slides.0.mpp: Too small: expected number to be >0');

    const stray = await upload([
      { name: 'metadata', value: JSON.stringify({ slides: [{ file: 'y.tif' }] }) },
      { name: 'file', value: tiff('x'), filename: 'x.tif' },
    ]);
    expect(stray.statusCode).toBe(400);
    expect(stray.json().message).toBe('metadata.slides.0.file: "y.tif" is not among the uploaded files (x.tif)');

    const notJson = await upload([{ name: 'metadata', value: '{nope' }, { name: 'file', value: 'x', filename: 'x.tif' }]);
    expect(notJson.json().message).toMatch(/^metadata: not valid JSON/);

    const empty = await upload([{ name: 'metadata', value: '{}' }]);
    expect(empty.statusCode).toBe(400);
    expect(empty.json().message).toBe('no files in the upload');
  });

  it('answers 415 to a JSON body', async () => {
    const res = await api.app.inject({ method: 'POST', url: '/batches/upload', payload: { slides: [] }, headers: bearer(api.token.submitter) });
    expect(res.statusCode).toBe(415);
    expect(res.json().message).toMatch(/takes multipart\/form-data/);
  });
});
