import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeSlide } from '../../src/slide/probe.js';
import { writeTiledTiff } from '../../src/slide/tiff-writer.js';
import { writeScannerSlide } from '../../src/synthetic/formats/index.js';
import { pattern, rawSharp, tempDir } from '../slide/pattern.js';

const run = promisify(execFile);
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/biopsy-quant.js');
const tmp = tempDir('probe');
const levels = [pattern(1024, 768), pattern(512, 384, 2), pattern(256, 192, 4)];

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  await writeScannerSlide('ndpi', tmp.file('scan.ndpi'), levels, { mpp: 0.25 });
  await writeScannerSlide('mrxs', tmp.file('scan.mrxs'), levels, { mpp: 0.25 });
  await writeTiledTiff(tmp.file('pyramid.tif'), levels, { tileSize: 256, compression: 'jpeg', mpp: 0.25 });
  await rawSharp(pattern(300, 200)).png().toFile(tmp.file('photo.png'));
  writeFileSync(tmp.file('scan.czi'), Buffer.concat([Buffer.from('ZISRAWFILE'), Buffer.alloc(100)]));
});
afterAll(() => tmp.cleanup());

describe('probeSlide', () => {
  it('NDPI: format, reader, every level with µm/px and downsample, objective, vendor, macro by name, analysis level', async () => {
    const p = await probeSlide(tmp.file('scan.ndpi'), { targetMpp: 0.5 });
    expect(p).toMatchObject({ format: 'ndpi', backend: 'openslide', vendor: 'Hamamatsu C13210', objectivePower: 20, mppSource: 'file', associatedImages: ['macro'] });
    // OpenSlide adds the JPEG 1/2, 1/4, 1/8 scalings of the smallest level as levels of their own
    expect(p.levels.map((l) => [l.width, l.height, l.mpp, l.downsample])).toEqual([
      [1024, 768, 0.25, 1],
      [512, 384, 0.5, 2],
      [256, 192, 1, 4],
      [128, 96, 2, 8],
      [64, 48, 4, 16],
      [32, 24, 8, 32],
    ]);
    expect(p.analysis).toEqual({ canRun: true, level: 1, mpp: 0.5, targetMpp: 0.5 });
  });

  it('a pyramidal TIFF at a far target notes the gap; a PNG without a pixel size cannot run and says why', async () => {
    const tif = await probeSlide(tmp.file('pyramid.tif'), { targetMpp: 4 });
    expect(tif).toMatchObject({ format: 'tiff', backend: 'builtin', vendor: null, objectivePower: null, associatedImages: [] });
    expect(tif.analysis).toEqual({ canRun: true, level: 2, mpp: 1, targetMpp: 4, note: 'the closest level is 1.00 µm/px, finer than the 4 µm/px target by 4.0×' });
    const png = await probeSlide(tmp.file('photo.png'), { targetMpp: 0.5 });
    expect(png.levels).toEqual([{ index: 0, width: 300, height: 200, mpp: null, downsample: 1 }]);
    expect(png.mppSource).toBeNull();
    expect(png.analysis).toEqual({ canRun: false, targetMpp: 0.5, reason: `${tmp.file('photo.png')}: the file states no pixel size; supply µm/px (mpp) in the slide metadata` });
    const withMpp = await probeSlide(tmp.file('photo.png'), { mpp: 0.5, targetMpp: 0.5 });
    expect(withMpp.analysis).toEqual({ canRun: true, level: 0, mpp: 0.5, targetMpp: 0.5 });
  });
});

describe('biopsy-quant probe', () => {
  it('--json on an MRXS folder prints the probe; text mode names format, levels and associated images', async () => {
    const json = await cli(['probe', tmp.file('scan'), '--json']);
    expect(json.code).toBe(0);
    const p = JSON.parse(json.stdout) as { path: string; format: string; levels: unknown[]; associatedImages: string[]; analysis: { canRun: boolean; level: number } };
    expect([p.path, p.format, p.levels.length, p.associatedImages.sort(), p.analysis.canRun, p.analysis.level]).toEqual([tmp.file('scan.mrxs'), 'mrxs', 3, ['label', 'macro'], true, 1]);

    const text = await cli(['probe', tmp.file('scan.ndpi')]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('format: ndpi (read by openslide)');
    expect(text.stdout).toContain('vendor: Hamamatsu C13210');
    expect(text.stdout).toContain('objective: 20×');
    expect(text.stdout).toContain('pixel size: 0.25 µm/px (from the file)');
    expect(text.stdout).toContain('associated images: macro (names only; never read)');
    expect(text.stdout).toContain('analysis: can run, at level 1 (0.5 µm/px for a 0.5 µm/px target)');
    expect(text.stdout).toMatch(/│ 0\s+│ 1024\s+│ 768\s+│ 0\.25\s+│ 1\s+│/);
  });

  it('a CZI: exit 2 and the conversion advice', async () => {
    const r = await cli(['probe', tmp.file('scan.czi')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('this is a Zeiss CZI file (JPEG XR or Zstandard tiles), which this program cannot read; convert it to OME-TIFF with Bio-Formats');
  });
});
