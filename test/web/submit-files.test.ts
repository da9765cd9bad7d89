import { describe, expect, it } from 'vitest';

/**
 * The submission page's grouping of dropped files into slides (src/web/submit-files.js, plain JS
 * the browser loads as it is): what becomes one slide, and under which names its files travel.
 */
const { groupSlides } = await import(new URL('../../src/web/submit-files.js', import.meta.url).href);
const f = (path: string) => ({ path, file: { name: path.split('/').pop(), size: 1 } });
const shape = (slides: { name: string; files: { path: string }[] }[]) => slides.map((s) => [s.name, s.files.map((x) => x.path)]);

describe('dropped files → slides', () => {
  it('a file on its own is a slide; a DICOM folder is one slide, its files named folder/file', () => {
    expect(shape(groupSlides([f('a.svs'), f('case-12/level-1.dcm'), f('case-12/level-0.dcm'), f('case-12/.DS_Store')]))).toEqual([
      ['a.svs', ['a.svs']],
      ['case-12', ['case-12/level-0.dcm', 'case-12/level-1.dcm']],
    ]);
  });

  it('an .mrxs takes its data folder along, wherever both were dropped from', () => {
    expect(shape(groupSlides([f('run/x.mrxs'), f('run/x/Data0000.dat'), f('run/x/Slidedat.ini')]))).toEqual([['x.mrxs', ['x.mrxs', 'x/Data0000.dat', 'x/Slidedat.ini']]]);
  });

  it('a folder of slide files is that many slides; a series inside a dropped folder keeps only its own folder name', () => {
    expect(shape(groupSlides([f('batch/a.tif'), f('batch/b.ndpi'), f('batch/series-3/1.dcm')]))).toEqual([
      ['a.tif', ['a.tif']],
      ['b.ndpi', ['b.ndpi']],
      ['series-3', ['series-3/1.dcm']],
    ]);
  });
});
