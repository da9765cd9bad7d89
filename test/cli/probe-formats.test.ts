import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { probeText } from '../../src/cli/probe-command.js';
import type { RgbRaster } from '../../src/image/raster.js';
import { probeSlide, type SlideProbe } from '../../src/slide/probe.js';
import { dicomPyramid, writeDicomWsi, type DicomWsiOptionsInput, type OmitTile } from '../../src/synthetic/formats/dicom-wsi-writer.js';
import { SCANNER_EXTENSION, SCANNER_FORMATS, SCN_MARGIN, writeScannerSlide } from '../../src/synthetic/formats/index.js';
import { writeSvsJ2k } from '../../src/synthetic/formats/write-svs-j2k.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { writeSyntheticSlide } from '../../src/synthetic/write-slide.js';
import { pattern, tempDir } from '../slide/pattern.js';

/**
 * Issue 11: `probe` on a slide written by each of our writers prints the right format, reader and
 * levels. The text the command prints is probeText(probeSlide(...)); one slide goes through the
 * real CLI too, to show that it prints exactly that.
 */
const run = promisify(execFile);
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/biopsy-quant.js');
const tmp = tempDir('probe-formats');
afterAll(() => tmp.cleanup());

const MPP = 0.25;
const written = [pattern(1024, 768), pattern(512, 384, 2), pattern(256, 192, 4)];
const sizes = (levels: RgbRaster[]) => levels.map((l) => [l.width, l.height]);

interface Case {
  name: string;
  write(file: string): Promise<string>;
  format: SlideProbe['format'];
  backend: SlideProbe['backend'];
  /** [width, height] per level, level 0 first */
  levels: number[][];
  mpp: number;
  associated: string[];
}

const scene = makeScene({ seed: 5, width: 1100, height: 800 });
// OpenSlide adds the JPEG 1/2, 1/4, 1/8 scalings of an NDPI's smallest level as levels of their own
const ndpiLevels = [...sizes(written), [128, 96], [64, 48], [32, 24]];
// an SCN shows the scanned area inside a margin of glass on every side
const scnLevels = written.map((l, k) => [l.width + (2 * SCN_MARGIN) / 2 ** k, l.height + (2 * SCN_MARGIN) / 2 ** k]);
const SCANNER_ASSOCIATED: Record<(typeof SCANNER_FORMATS)[number], string[]> = {
  ndpi: ['macro'],
  mrxs: ['label', 'macro'],
  scn: ['macro'],
  'philips-tiff': ['label', 'macro'],
  bif: ['macro', 'thumbnail'],
};
// the scene writers: SVS reduces by 4 while a level is over 4 tiles wide; libvips halves a pyramid down to one 256-px tile (floor)
const BUILTIN_LEVELS = {
  svs: [[1100, 800], [275, 200]],
  'ome-tiff': [[1100, 800]],
  'pyramidal-tiff': [[1100, 800], [550, 400], [275, 200], [137, 100]],
  png: [[1100, 800]],
};
const DICOM_SERIES: { name: string; options: Partial<DicomWsiOptionsInput>; omit?: OmitTile }[] = [
  { name: 'dicom jpeg', options: { codec: 'jpeg' } },
  { name: 'dicom j2k', options: { codec: 'j2k' } },
  // TILED_SPARSE with level 0's fourth column of tiles left out
  { name: 'dicom sparse', options: { organisation: 'TILED_SPARSE' }, omit: (level, tx) => level === 0 && tx === 3 },
];

const cases: Case[] = [
  ...SCANNER_FORMATS.map((f): Case => ({
    name: f,
    write: async (file) => {
      const p = `${file}.${SCANNER_EXTENSION[f]}`;
      await writeScannerSlide(f, p, written, { mpp: MPP });
      return p;
    },
    format: f,
    backend: 'openslide',
    levels: f === 'scn' ? scnLevels : f === 'ndpi' ? ndpiLevels : sizes(written),
    mpp: MPP,
    associated: SCANNER_ASSOCIATED[f],
  })),
  ...DICOM_SERIES.map(({ name, options, omit }): Case => ({
    name,
    write: async (dir) => {
      await writeDicomWsi(dir, await dicomPyramid(written[0], 256), { mpp: MPP, ...options }, {}, omit);
      return dir;
    },
    format: 'dicom',
    backend: 'dicom',
    levels: sizes(written),
    mpp: MPP,
    associated: ['label'],
  })),
  {
    name: 'svs j2k',
    write: async (file) => {
      await writeSvsJ2k(`${file}.svs`, written, { mpp: MPP });
      return `${file}.svs`;
    },
    format: 'svs',
    backend: 'openslide',
    levels: sizes(written),
    mpp: MPP,
    associated: [],
  },
  ...(['svs', 'ome-tiff', 'pyramidal-tiff', 'png'] as const).map((f): Case => ({
    name: f,
    write: async (file) => {
      const p = `${file}.${f === 'png' ? 'png' : 'tif'}`;
      await writeSyntheticSlide(scene, p, f);
      return p;
    },
    format: f === 'pyramidal-tiff' ? 'tiff' : f,
    backend: 'builtin',
    levels: BUILTIN_LEVELS[f],
    mpp: scene.mpp,
    associated: f === 'svs' ? ['thumbnail'] : [],
  })),
];

const probed = new Map<string, { target: string; probe: SlideProbe }>();

describe('probe on every format we write', () => {
  it.each(cases)('$name: format, reader, every level with µm/px and downsample, associated image names', async (c) => {
    const target = await c.write(tmp.file(c.name.replace(/ /g, '-')));
    const p = await probeSlide(target, { targetMpp: 0.5 });
    probed.set(c.name, { target, probe: p });
    expect([p.format, p.backend, p.mppSource, [...p.associatedImages].sort()]).toEqual([c.format, c.backend, 'file', c.associated]);
    expect(p.levels.map((l) => [l.width, l.height])).toEqual(c.levels);
    const [w0] = c.levels[0];
    for (const l of p.levels) {
      expect(l.downsample, `${c.name} level ${l.index}`).toBeCloseTo(w0 / l.width, 6);
      expect(l.mpp, `${c.name} level ${l.index}`).toBeCloseTo(c.mpp * (w0 / l.width), 6);
    }
    const text = probeText(p);
    expect(text).toContain(`format: ${c.format} (read by ${c.backend})`);
    for (const l of p.levels) expect(text).toMatch(new RegExp(`│ ${l.index}\\s+│ ${l.width}\\s+│ ${l.height}\\s+│`));
    // analysis runs at the level nearest the 0.5 µm/px target
    const nearest = p.levels.reduce((a, b) => (Math.abs(Math.log((b.mpp ?? 0) / 0.5)) < Math.abs(Math.log((a.mpp ?? 0) / 0.5)) ? b : a));
    expect(p.analysis).toMatchObject({ canRun: true, level: nearest.index });
    // both readers name an Aperio file's scanner and objective (its description's AppMag = 20)
    if (c.format === 'svs') expect([p.vendor, p.objectivePower]).toEqual(['Aperio', 20]);
  });

  it('the CLI prints exactly that, for a DICOM folder in text and JSON', async () => {
    const { target, probe } = probed.get('dicom sparse')!;
    const [text, json] = await Promise.all([run(process.execPath, [bin, 'probe', target]), run(process.execPath, [bin, 'probe', target, '--json'])]);
    expect(text.stdout).toBe(probeText(probe));
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(probe)));
  });
});
