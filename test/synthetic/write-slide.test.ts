import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderToRawTiff } from '../../src/synthetic/render-to-raw-tiff.js';
import { renderRegion } from '../../src/synthetic/render.js';
import { makeScene } from '../../src/synthetic/scene.js';
import { truthOf } from '../../src/synthetic/truth-of.js';
import { GroundTruth } from '../../src/synthetic/truth.js';
import { SYNTHETIC_FORMATS, syntheticExtension, truthPathOf, writeSyntheticSlide, type SyntheticFormat } from '../../src/synthetic/write-slide.js';

const scene = makeScene({ seed: 31, width: 1100, height: 700 });
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bq-synth-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fileFor(format: SyntheticFormat): string {
  return join(dir, `slide-${format}.${syntheticExtension(format)}`);
}

describe('writeSyntheticSlide', () => {
  it.each(SYNTHETIC_FORMATS.map((f) => [f]))('writes %s that reads back at full size, with its truth beside it', async (format) => {
    const path = fileFor(format);
    await writeSyntheticSlide(scene, path, format);
    const meta = await sharp(path).metadata();
    expect(meta.width).toBe(1100);
    expect(meta.height).toBe(700);
    const truth = GroundTruth.parse(JSON.parse(await readFile(truthPathOf(path), 'utf8')));
    expect(truth).toEqual(truthOf(scene));
    if (format !== 'jpeg') {
      // 0.5 µm/px = 50 800 dpi, stated in the file
      expect(meta.density).toBeCloseTo(50_800, -1);
    }
    if (format === 'pyramidal-tiff') expect(meta.pages).toBeGreaterThan(1);
    if (format === 'bigtiff') expect((await readFile(path)).readUInt16LE(2)).toBe(43);
  });

  it('PNG holds exactly the rendered pixels; JPEG is close to them', async () => {
    const expected = renderRegion(scene, 0, 0, scene.width, scene.height).data;
    const png = await sharp(fileFor('png')).raw().toBuffer();
    expect(Buffer.compare(png, Buffer.from(expected))).toBe(0);
    const jpg = await sharp(fileFor('jpeg')).raw().toBuffer();
    let err = 0;
    for (let i = 0; i < expected.length; i++) err += Math.abs(jpg[i] - expected[i]);
    expect(err / expected.length).toBeLessThan(3);
  });

  it('SVS carries the Aperio description with the pixel size, OME-TIFF its OME-XML', async () => {
    const svs = await readFile(fileFor('svs'));
    const head = svs.toString('latin1');
    expect(head).toContain('Aperio Image Library v12.0.15 \r\n1100x700 [0,0 1100x700] (256x256) JPEG/RGB Q=90|AppMag = 20|MPP = 0.5000');
    const ome = (await readFile(fileFor('ome-tiff'))).toString('utf8');
    expect(ome).toMatch(/<Pixels [^>]*PhysicalSizeX="0.5" PhysicalSizeXUnit="µm"/);
  });

  it('leaves no temporary files behind', async () => {
    const left = (await readdir(dir)).filter((f) => f.endsWith('.v') || f.includes('.render.'));
    expect(left).toEqual([]);
  });

  it.each([[false], [true]])('streams the raw strip TIFF intermediate (BigTIFF: %s) with exact pixels and pixel size', async (bigtiff) => {
    const s = makeScene({ seed: 32, width: 333, height: 170 });
    const path = join(dir, `raw-${bigtiff}.tif`);
    await renderToRawTiff(s, path, { bigtiff });
    const img = sharp(path);
    const meta = await img.metadata();
    expect((await readFile(path)).readUInt16LE(2)).toBe(bigtiff ? 43 : 42);
    expect([meta.width, meta.height, meta.channels]).toEqual([333, 170, 3]);
    expect(meta.density).toBeCloseTo(50_800, -1);
    const pixels = await img.raw().toBuffer();
    expect(Buffer.compare(pixels, Buffer.from(renderRegion(s, 0, 0, 333, 170).data))).toBe(0);
  });

  it('names the bad format', async () => {
    await expect(writeSyntheticSlide(scene, join(dir, 'x.bmp'), 'bmp' as SyntheticFormat)).rejects.toThrow(/"bmp".*x\.bmp/);
  });
});
