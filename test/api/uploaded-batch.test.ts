import { randomBytes } from 'node:crypto';
import { mkdir, readdir, realpath, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';
import { bearer, openApi, type Api } from './setup.js';
import { idOf, sha256, tusUpload } from './tus-client.js';

/**
 * Issue 16: a batch of uploaded slides (named by their verified files, assembled from content)
 * and slides picked under SLIDES_ROOT; the metadata table's checks; the SLIDES_ROOT listing.
 */
let api: Api;
let base: string;
const tiff = Buffer.concat([Buffer.from([0x49, 0x49, 42, 0]), randomBytes(3000)]);
/** a DICOM Part-10 file: a 128-byte preamble, then "DICM" */
const dicom = (n: number) => Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), randomBytes(n)]);
const series = [dicom(500), dicom(700)];

async function uploadVerified(data: Buffer, name: string): Promise<string> {
  const url = await tusUpload(base, api.token.submitter, data, name).done;
  const v = await api.app.inject({ method: 'POST', url: `/uploads/${idOf(url)}/verify`, headers: bearer(api.token.submitter), payload: { sha256: sha256(data) } });
  expect(v.statusCode, v.body).toBe(200);
  return v.json().sha256;
}

const submit = (body: object, token = api.token.submitter) => api.app.inject({ method: 'POST', url: '/batches/uploaded', headers: bearer(token), payload: body });

beforeAll(async () => {
  api = await openApi();
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
  await uploadVerified(tiff, 'a.tif');
  await uploadVerified(series[0], 'series/l0.dcm');
  await uploadVerified(series[1], 'series/l1.dcm');
});
afterAll(() => api.close());

describe('POST /batches/uploaded', () => {
  it('submits uploaded slides (a file, a DICOM folder) and a slide under SLIDES_ROOT in one batch, metadata made canonical', async () => {
    const res = await submit({
      slides: [
        { files: [{ path: 'a.tif', sha256: sha256(tiff) }], patient: 'P5', timepoint: 'M6', marker: 'cd-163' },
        { files: series.map((b, i) => ({ path: `series/l${i}.dcm`, sha256: sha256(b) })), patient: 'P6', mpp: 0.25 },
        { file: 'sub/b.tif', patient: 'P7' },
      ],
      params: { tileSize: 512 },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ batchId: expect.any(Number), slides: 3 });
    const req = api.batches.submitted.at(-1)!;
    expect(req.params).toEqual({ tileSize: 512 });
    expect(req.slides.map((s) => s.metadata)).toEqual([{ patient: 'P5', timepoint: 'month-6', marker: 'CD163' }, { patient: 'P6', mpp: 0.25 }, { patient: 'P7' }]);
    const [one, folder, picked] = req.slides.map((s) => s.path);
    const slides = path.join(await realpath(api.root), 'uploads', 'slides');
    expect(path.basename(one)).toBe('a.tif');
    expect(path.dirname(path.dirname(one))).toBe(slides);
    // a hard link to the stored content: the bytes are on disk once
    const blob = path.join(await realpath(api.root), 'uploads', 'content', sha256(tiff));
    expect((await stat(one)).ino).toBe((await stat(blob)).ino);
    expect(path.basename(folder)).toBe('series');
    expect((await readdir(folder)).sort()).toEqual(['l0.dcm', 'l1.dcm']);
    expect(picked).toBe(path.join(await realpath(api.root), 'sub', 'b.tif'));

    // the same slide again (its name made plain as every upload's): the same assembled folder
    const again = await submit({ slides: [{ files: [{ path: '../a.tif', sha256: sha256(tiff) }] }] });
    expect(again.statusCode).toBe(201);
    expect(api.batches.submitted.at(-1)!.slides[0].path).toBe(one);
  });

  it('names the entry that cannot be resolved and queues nothing', async () => {
    const n = api.batches.submitted.length;
    const unknown = await submit({ slides: [{ file: 'a.png' }, { files: [{ path: 'x.tif', sha256: 'ab'.repeat(32) }] }] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toBe(`slides[1].files[0] "x.tif": no verified upload has SHA-256 ${'ab'.repeat(32)}; upload the file and verify it first`);
    const two = await submit({ slides: [{ files: [{ path: 'a.tif', sha256: sha256(tiff) }, { path: 'b.tif', sha256: sha256(tiff) }] }] });
    expect(two.json().message).toBe('slides[0].files make 2 slides (a.tif, b.tif); give one entry per slide');
    const both = await submit({ slides: [{ file: 'a.png', files: [{ path: 'a.tif', sha256: sha256(tiff) }] }] });
    expect(both.json().message).toBe('body.slides.0: give either file (a slide under SLIDES_ROOT) or files (an uploaded slide), one of the two');
    const twice = await submit({ slides: [{ files: [{ path: 'a b.tif', sha256: sha256(tiff) }, { path: 'a_b.tif', sha256: sha256(tiff) }] }] });
    expect(twice.json().message).toBe('slides[0].files[1].path "a_b.tif" is named twice');
    expect(api.batches.submitted.length).toBe(n);
    expect((await submit({ slides: [{ file: 'a.png' }] }, api.token.reader)).statusCode).toBe(403);
  });
});

describe('metadata checks for the submission page', () => {
  it('checks each row with the API schema: the field named in the API\'s words, valid fields made canonical', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/metadata/check',
      headers: bearer(api.token.submitter),
      payload: {
        slides: [
          { patient: 'Anna Berg', timepoint: 'M6', marker: 'cd-163', mpp: '0,25' },
          { patient: 'P01', timepoint: '', marker: 'Ki-67', mpp: 'half' },
          { file: 'nope.tif', patient: 'P02' },
          { file: '../secret.png' },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().slides).toEqual([
      {
        metadata: { timepoint: 'month-6', marker: 'CD163', mpp: 0.25 },
        issues: [{ field: 'patient', message: 'expected a pseudonym (letters, digits, . _ -, at least one digit, no spaces), never a name' }],
        markerKnown: true,
      },
      { metadata: { patient: 'P01', marker: 'Ki-67' }, issues: [{ field: 'mpp', message: 'expected µm per pixel as a number (e.g. 0.25), got "half"' }], markerKnown: false },
      { metadata: { patient: 'P02' }, issues: [{ field: 'file', message: 'file "nope.tif": no such file under SLIDES_ROOT' }], markerKnown: null },
      { metadata: {}, issues: [{ field: 'file', message: 'file "../secret.png": ".." is not allowed in slide paths' }], markerKnown: null },
    ]);
  });

  it('reads a manifest and a CSV into rows, listing what it cannot read', async () => {
    const table = (name: string, text: string) => api.app.inject({ method: 'POST', url: '/metadata/table', headers: bearer(api.token.submitter), payload: { name, text } });
    const manifest = await table('manifest.json', JSON.stringify({ slides: [{ file: 'a.tif', patient: 'P1', timepoint: 'baseline', marker: 'CD163', mpp: 0.5, truth: 'a.truth.json' }] }));
    expect(manifest.json()).toEqual({ rows: [{ file: 'a.tif', patient: 'P1', timepoint: 'baseline', marker: 'CD163', mpp: '0.5' }], issues: [] });
    const csv = await table('slides.csv', 'File,Patient,Time point,Stain,colour\nseries,P2,M0,MHC-I,red\n,P3,,,\n');
    expect(csv.json()).toEqual({
      rows: [{ file: 'series', patient: 'P2', timepoint: 'M0', marker: 'MHC-I' }],
      issues: ['slides.csv: unknown column "colour" (expected file, patient, timepoint, marker, mpp)', 'slides.csv row 3: no file named'],
    });
    const broken = await table('m.json', '{"slides": [');
    expect(broken.json().issues[0]).toMatch(/^m\.json: not valid JSON/);
  });

  it('offers the registry markers and study timepoints', async () => {
    const res = await api.app.inject({ method: 'GET', url: '/metadata/names', headers: bearer(api.token.submitter) });
    expect(res.json().timepoints).toEqual(['baseline', 'month-6', 'month-12']);
    expect(res.json().markers).toContain('MHC-I');
  });
});

describe('POST /slides/probe', () => {
  const probe = (body: object) => api.app.inject({ method: 'POST', url: '/slides/probe', headers: bearer(api.token.submitter), payload: body });

  it("says a slide's format, size and stated µm/px, or that the file states none", async () => {
    await writeSyntheticSlide(makeScene({ seed: 3, width: 300, height: 200 }), path.join(api.root, 'small.tif'), 'tiled-tiff');
    expect((await probe({ file: 'small.tif' })).json()).toEqual({ format: 'tiff', width: 300, height: 200, mpp: 0.5 });
    await sharp({ create: { width: 120, height: 80, channels: 3, background: { r: 240, g: 240, b: 240 } } }).png().toFile(path.join(api.root, 'plain.png'));
    expect((await probe({ file: 'plain.png' })).json()).toEqual({ format: 'png', width: 120, height: 80, mpp: null });
  });

  it("answers an unreadable uploaded slide with the reader's own words (400), the error its analysis would end with", async () => {
    const res = await probe({ files: [{ path: 'a.tif', sha256: sha256(tiff) }] });
    expect(res.statusCode).toBe(400);
    // the upload folder's own path is kept out of the answer, as every server path is
    expect(res.json().message).toMatch(/^slides\/[0-9a-f]{64}\/a\.tif: TIFF image directory 0 lies at offset \d+, outside the file \(3004 bytes\); the file is truncated or corrupt$/);
    expect(res.json().message).not.toContain(api.root);
  });
});

describe('GET /slides-root', () => {
  it('lists slides and folders under SLIDES_ROOT, a DICOM folder as one slide, without the upload folder', async () => {
    await mkdir(path.join(api.root, 'case-12'));
    await writeFile(path.join(api.root, 'case-12', 'level-0.dcm'), dicom(100));
    await writeFile(path.join(api.root, 'notes.txt'), 'not a slide');
    const res = await api.app.inject({ method: 'GET', url: '/slides-root', headers: bearer(api.token.submitter) });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      dir: '',
      entries: [
        { name: 'sub', path: 'sub', kind: 'folder', size: 0 },
        { name: 'a.png', path: 'a.png', kind: 'slide', size: 16 },
        { name: 'case-12', path: 'case-12', kind: 'series', size: 232 },
        // written by the probe tests above
        { name: 'plain.png', path: 'plain.png', kind: 'slide', size: expect.any(Number) },
        { name: 'small.tif', path: 'small.tif', kind: 'slide', size: expect.any(Number) },
      ],
    });
    const sub = await api.app.inject({ method: 'GET', url: '/slides-root?dir=sub', headers: bearer(api.token.submitter) });
    expect(sub.json().entries).toEqual([{ name: 'b.tif', path: 'sub/b.tif', kind: 'slide', size: 17 }]);
    const out = await api.app.inject({ method: 'GET', url: '/slides-root?dir=../outside', headers: bearer(api.token.submitter) });
    expect(out.statusCode).toBe(400);
    expect(out.json().message).toBe('dir "../outside": give a folder relative to SLIDES_ROOT, without ".."');
  });
});

describe('GET /batches?status=', () => {
  it('keeps the batches in one state', async () => {
    const ids = (await api.app.inject({ method: 'GET', url: '/batches', headers: bearer(api.token.submitter) })).json().map((b: { id: number }) => b.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    // the stand-in queue runs a batch one tile per read: four reads finish the newest
    for (let i = 0; i < 4; i++) await api.batches.get(ids[0]);
    const list = async (status: string) => (await api.app.inject({ method: 'GET', url: `/batches?status=${status}`, headers: bearer(api.token.submitter) })).json().map((b: { id: number }) => b.id);
    expect(await list('done')).toEqual([ids[0]]);
    expect(await list('queued')).toEqual(ids.slice(1));
    const bad = await api.app.inject({ method: 'GET', url: '/batches?status=lost', headers: bearer(api.token.submitter) });
    expect(bad.statusCode).toBe(400);
  });
});
