import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlidePathError } from '../../src/errors/index.js';
import { realSlidesRoot, resolveSlidePath } from '../../src/api/slide-path.js';
import { bearer, openApi, type Api } from './setup.js';

let api: Api;
let root: string;

beforeAll(async () => {
  api = await openApi();
  root = await realSlidesRoot(api.root);
  // links inside the root: one escaping to a file outside, one to a folder outside, one staying inside
  await symlink(path.join(api.outside, 'secret.png'), path.join(api.root, 'escape.png'));
  await symlink(api.outside, path.join(api.root, 'outdir'));
  await symlink(path.join(api.root, 'sub', 'b.tif'), path.join(api.root, 'alias.tif'));
  await mkdir(path.join(api.root, 'folder.tif'));
  await mkdir(path.join(api.root, 'series'));
  await writeFile(path.join(api.root, 'series', 'level-0.dcm'), 'DICM');
  await mkdir(path.join(api.root, 'series-out'));
  await writeFile(path.join(api.root, 'series-out', 'level-0.dcm'), 'DICM');
  await symlink(path.join(api.outside, 'secret.png'), path.join(api.root, 'series-out', 'escape.dcm'));
});
afterAll(() => api.close());

async function submit(file: string, extra: { file: string }[] = []) {
  return api.app.inject({ method: 'POST', url: '/batches', headers: bearer(api.token.submitter), payload: { slides: [...extra, { file }] } });
}

describe('POST /batches refuses paths outside SLIDES_ROOT', () => {
  const refused: [string, () => string, RegExp][] = [
    ['../ traversal', () => '../outside/secret.png', /"\.\." is not allowed/],
    ['deep ../ traversal', () => '../../../../../../etc/passwd', /"\.\." is not allowed/],
    ['.. in the middle', () => 'sub/../../outside/secret.png', /"\.\." is not allowed/],
    ['backslash ..', () => '..\\outside\\secret.png', /"\.\." is not allowed/],
    ['absolute /etc/passwd', () => '/etc/passwd', /is outside SLIDES_ROOT/],
    ['absolute path to the outside folder', () => path.join(api.outside, 'secret.png'), /is outside SLIDES_ROOT/],
    ['absolute path that does not exist', () => '/no/such/slide.tif', /is outside SLIDES_ROOT/],
    ['symlink to a file outside', () => 'escape.png', /resolves outside SLIDES_ROOT \(through a symbolic link\)/],
    ['symlinked folder outside', () => 'outdir/secret.png', /resolves outside SLIDES_ROOT \(through a symbolic link\)/],
    ['URL-encoded ..%2f (a literal name, not a path)', () => '..%2f..%2foutside%2fsecret.png', /no such file under SLIDES_ROOT/],
    ['NUL byte', () => 'a.png\0.tif', /contains a NUL byte/],
    ['an empty folder', () => 'folder.tif', /is a folder with no files \(a folder slide is a DICOM series/],
    ['a folder holding a link out', () => 'series-out', /its entry "escape\.dcm" resolves outside SLIDES_ROOT \(through a symbolic link\)/],
    ['a missing file', () => 'missing.tif', /no such file under SLIDES_ROOT/],
  ];

  it.each(refused)('%s → 400 naming the entry and the path', async (_name, file, why) => {
    const before = api.batches.submitted.length;
    // one good entry first, so the message must name the bad entry's index
    const res = await submit(file(), [{ file: 'a.png' }]);
    expect(res.statusCode).toBe(400);
    const message: string = res.json().message;
    expect(message).toContain(`slides[1].file ${JSON.stringify(file())}`);
    expect(message).toMatch(why);
    expect(api.batches.submitted.length).toBe(before);
  });

  it('accepts a folder of files as one slide (a DICOM series), handing on its real path', async () => {
    const res = await submit('series');
    expect(res.statusCode).toBe(201);
    expect(api.batches.submitted.at(-1)!.slides.map((s) => s.path)).toEqual([path.join(root, 'series')]);
  });

  it('accepts relative, absolute-inside and symlink-inside paths, handing on real paths', async () => {
    const res = await api.app.inject({
      method: 'POST',
      url: '/batches',
      headers: bearer(api.token.submitter),
      payload: { slides: [{ file: 'a.png', patient: 'P7', mpp: 0.25 }, { file: path.join(api.root, 'sub', 'b.tif') }, { file: 'alias.tif' }, { file: './sub/b.tif' }] },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ batchId: expect.any(Number), slides: 4 });
    const req = api.batches.submitted.at(-1)!;
    const real = path.join(root, 'sub', 'b.tif');
    expect(req.slides.map((s) => s.path)).toEqual([path.join(root, 'a.png'), real, real, real]);
    expect(req.slides[0].metadata).toEqual({ patient: 'P7', mpp: 0.25 });
    expect(req.createdBy).toBe(`token:${api.tokenId.submitter}`);
  });
});

describe('resolveSlidePath', () => {
  it('throws SlidePathError with the label it was given', async () => {
    await expect(resolveSlidePath(root, '../x', 'upload "x"')).rejects.toThrow(SlidePathError);
    await expect(resolveSlidePath(root, '../x', 'upload "x"')).rejects.toThrow('upload "x" "../x": ".." is not allowed in slide paths');
  });

  it('does not treat a sibling folder sharing the root as prefix as inside', async () => {
    // <base>/slides-evil shares the string prefix "<base>/slides"
    const evil = `${root}-evil`;
    await mkdir(evil, { recursive: true });
    await expect(resolveSlidePath(root, path.join(evil, 'x.png'), 'e')).rejects.toThrow(/is outside SLIDES_ROOT/);
  });

  it('refuses a missing SLIDES_ROOT clearly', async () => {
    await expect(realSlidesRoot(path.join(root, 'nope'))).rejects.toThrow(/SLIDES_ROOT .*nope is not readable: ENOENT/);
  });
});
