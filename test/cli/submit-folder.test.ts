import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadForm } from '../../src/cli/submit-command.js';
import { openSlide } from '../../src/slide/open.js';
import { dicomPyramid, writeDicomWsi } from '../../src/synthetic/formats/dicom-wsi-writer.js';
import { writeScannerSlide } from '../../src/synthetic/formats/index.js';
import { bearer, openApi, type Api } from '../api/setup.js';
import { pattern, rawSharp, tempDir } from '../slide/pattern.js';

/**
 * Issue 11: `submit` uploads a DICOM WSI series given as its folder, and an MRXS with its data
 * folder, each as one slide. The form the CLI builds goes over real HTTP to the API, whose upload
 * route keeps "folder/file" names together; the submitted paths open as the slides written.
 */
const tmp = tempDir('submit-folder');
let api: Api;
let base: string;

beforeAll(async () => {
  api = await openApi({ maxUploadBytes: 16 * 1024 * 1024 });
  base = await api.app.listen({ host: '127.0.0.1', port: 0 });
  const levels = [pattern(512, 512), pattern(256, 256, 2)];
  await writeDicomWsi(tmp.file('series'), await dicomPyramid(levels[0], 256), { mpp: 0.25, overview: true });
  await writeScannerSlide('mrxs', tmp.file('scan.mrxs'), levels, { mpp: 0.25 });
  await rawSharp(pattern(300, 200)).png().toFile(tmp.file('photo.png'));
});
afterAll(async () => {
  await api?.close();
  tmp.cleanup();
});

async function post(form: FormData): Promise<Response> {
  return fetch(`${base}/batches/upload`, { method: 'POST', body: form, headers: bearer(api.token.submitter) });
}

describe('submit with slide folders', () => {
  it('a DICOM folder, an MRXS (its data folder goes with it) and a PNG upload as three slides that open as written', async () => {
    const res = await post(await uploadForm([tmp.file('series'), tmp.file('scan.mrxs'), tmp.file('photo.png')], { patient: 'P9', mpp: 0.25 }, undefined));
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toEqual({ batchId: expect.any(Number), slides: 3 });
    const slides = api.batches.submitted.at(-1)!.slides;
    expect(slides.map((s) => path.basename(s.path))).toEqual(['series', 'scan.mrxs', 'photo.png']);
    for (const s of slides) expect(s.metadata).toEqual({ patient: 'P9', mpp: 0.25 });
    expect((await readdir(slides[0].path)).sort()).toEqual(['label.dcm', 'level-0.dcm', 'level-1.dcm', 'overview.dcm']);
    expect((await readdir(path.join(path.dirname(slides[1].path), 'scan'))).sort()).toEqual((await readdir(tmp.file('scan'))).sort());
    const opened = [];
    for (const s of slides) {
      const slide = await openSlide(s.path, { mpp: 0.25 });
      opened.push([slide.format, slide.levels.map((l) => l.width)]);
      await slide.close();
    }
    expect(opened).toEqual([
      ['dicom', [512, 256]],
      ['mrxs', [512, 256]],
      ['png', [300]],
    ]);
  });

  it('naming the MRXS data folder as well changes nothing: still one slide', async () => {
    const res = await post(await uploadForm([tmp.file('scan'), tmp.file('scan.mrxs')], {}, undefined));
    expect(res.status, await res.clone().text()).toBe(201);
    expect(api.batches.submitted.at(-1)!.slides.map((s) => path.basename(s.path))).toEqual(['scan.mrxs']);
  });

  it('the server refuses a name used as both a file and a folder, and reduces deeper or dotted paths to plain names', async () => {
    const clash = new FormData();
    clash.append('file', new Blob(['x']), 'a.dcm');
    clash.append('file', new Blob(['y']), 'a.dcm/level-0.dcm');
    const res = await post(clash);
    expect(res.status).toBe(400);
    expect((await res.json()).message).toBe('"a.dcm" is uploaded both as a file and as a folder');
    const odd = new FormData();
    // Part-10 heads (a 128-byte preamble, then DICM): the server checks a .dcm's content
    const dicom = () => new Blob([new Uint8Array(128), 'DICMz']);
    for (const name of ['../up.dcm', 'x/y/deep.dcm', './dot.dcm', 'ok dir/f 1.dcm']) odd.append('file', dicom(), name);
    const ok = await post(odd);
    expect(ok.status, await ok.clone().text()).toBe(201);
    const slides = api.batches.submitted.at(-1)!.slides.map((s) => path.basename(s.path));
    expect(slides).toEqual(['up.dcm', 'deep.dcm', 'dot.dcm', 'ok_dir']);
  });

  it('an empty folder is refused before anything is sent, naming it', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(tmp.file('empty'));
    await expect(uploadForm([tmp.file('empty')], {}, undefined)).rejects.toThrow(`slide folder ${tmp.file('empty')} holds no files (a folder slide is a DICOM series, one file per level)`);
  });
});
