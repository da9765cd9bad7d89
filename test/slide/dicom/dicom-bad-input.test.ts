import { copyFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetadataError, SlideFormatError } from '../../../src/errors/index.js';
import type { RgbRaster } from '../../../src/image/raster.js';
import { openDicomSlide } from '../../../src/slide/dicom/open-dicom.js';
import { dicomPyramid, writeDicomWsi, type DicomWsiOptionsInput, type DicomWsiTamper } from '../../../src/synthetic/formats/dicom-wsi-writer.js';
import { pattern, tempDir } from '../pattern.js';

const tmp = tempDir('dicom-bad');
let levels: RgbRaster[];
let n = 0;

beforeAll(async () => {
  levels = await dicomPyramid(pattern(600, 400), 128);
});
afterAll(() => tmp.cleanup());

async function series(options: Partial<DicomWsiOptionsInput> = {}, tamper: DicomWsiTamper = {}): Promise<string> {
  const dir = tmp.file(`s${n++}`);
  await writeDicomWsi(dir, levels, { mpp: 0.5, tileSize: 128, codec: 'jpeg', ...options }, tamper);
  return dir;
}

/** Every failure is a SlideFormatError whose message names the file and matches `problem`. */
async function expectSlideError(attempt: Promise<unknown>, file: string, problem: RegExp): Promise<void> {
  const err = await attempt.then(() => undefined, (e: unknown) => e);
  expect(err, 'expected a failure').toBeInstanceOf(SlideFormatError);
  expect((err as Error).message).toContain(file);
  expect((err as Error).message).toMatch(problem);
}

describe('DICOM WSI bad input', () => {
  it('missing frames, counted by the Basic Offset Table, fail at open', async () => {
    const dir = await series({ offsetTable: 'basic' }, { extraFrames: 3 });
    await expectSlideError(openDicomSlide(dir), join(dir, 'level-0.dcm'), /Number of Frames \(0028,0008\) is 23 but its Basic Offset Table holds 20; frames are missing/);
  });

  it('missing frames, counted by the Extended Offset Table, fail at open', async () => {
    const dir = await series({ offsetTable: 'extended' }, { extraFrames: 1 });
    await expectSlideError(openDicomSlide(dir), join(dir, 'level-0.dcm'), /is 21 but its Extended Offset Table holds 20; frames are missing/);
  });

  it('missing frames without an offset table fail on the first read of the level (one scan of the items)', async () => {
    const dir = await series({ offsetTable: 'none' }, { extraFrames: 2 });
    const slide = await openDicomSlide(dir);
    await expectSlideError(slide.readRegion(0, 0, 0, 10, 10), join(dir, 'level-0.dcm'), /is 22 but its pixel data holds 20; frames are missing/);
    await expectSlideError(slide.readThumbnail(4), join(dir, 'level-3.dcm'), /is 3 but its pixel data holds 1; frames are missing/);
    await slide.close();
  });

  it('missing uncompressed frames fail at open', async () => {
    const dir = await series({ codec: 'native' }, { extraFrames: 1 });
    await expectSlideError(openDicomSlide(dir), join(dir, 'level-0.dcm'), /is 21 but its Pixel Data holds 20; frames are missing/);
  });

  it('a level whose Pixel Spacing does not fit its size fails at open', async () => {
    const dir = await series({}, { levelMpp: (k, mpp) => (k === 1 ? mpp * 1.5 : mpp) });
    await expectSlideError(openDicomSlide(dir), join(dir, 'level-1.dcm'), /makes the slide 0\.450 mm wide, but level 0 .* is 0\.300 mm wide; the pixel spacing is inconsistent/);
  });

  it('a truncated level fails at open, inside its pixel data or inside its header', async () => {
    const dir = await series({ offsetTable: 'none' });
    const file = join(dir, 'level-0.dcm');
    truncateSync(file, Math.floor(statSync(file).size * 0.6));
    await expectSlideError(openDicomSlide(dir), file, /does not end with a sequence delimiter.*truncated/);
    truncateSync(file, 700);
    await expectSlideError(openDicomSlide(dir), file, /ends inside its DICOM header.*truncated/);
    const native = await series({ codec: 'native' });
    const nativeFile = join(native, 'level-1.dcm');
    truncateSync(nativeFile, statSync(nativeFile).size - 100);
    await expectSlideError(openDicomSlide(native), nativeFile, /ends inside its Pixel Data.*truncated/);
  });

  it('DICOM that is not a whole-slide image is named by its SOP class', async () => {
    const dir = await series({}, { sopClass: '1.2.840.10008.5.1.4.1.1.2' });
    const file = join(dir, 'level-0.dcm');
    await expectSlideError(openDicomSlide(file), file, /is DICOM but not a whole-slide image: SOP class CT Image Storage \(1\.2\.840\.10008\.5\.1\.4\.1\.1\.2\)/);
    await expectSlideError(openDicomSlide(dir), dir, /no VOLUME instance of a whole-slide image found.*CT Image Storage/);
  });

  it('a file in the list that is not DICOM, and a folder without DICOM, are named', async () => {
    const png = tmp.file('photo.dcm');
    writeFileSync(png, await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } }).png().toBuffer());
    const dir = await series();
    await expectSlideError(openDicomSlide([join(dir, 'level-0.dcm'), png]), png, /not a DICOM Part-10 file/);
    const empty = tmp.file('no-dicom');
    await import('node:fs/promises').then((fs) => fs.mkdir(empty));
    copyFileSync(png, join(empty, 'a.png'));
    await expectSlideError(openDicomSlide(empty), empty, /holds no DICOM Part-10 files/);
  });

  it('a folder holding two series is refused; one file of it opens its own series', async () => {
    const a = await series();
    const b = await series({ codec: 'native' });
    const mixed = tmp.file('two-series');
    await import('node:fs/promises').then((fs) => fs.mkdir(mixed));
    for (const f of ['level-0.dcm', 'level-1.dcm', 'level-2.dcm', 'level-3.dcm', 'label.dcm']) {
      copyFileSync(join(a, f), join(mixed, `a-${f}`));
      copyFileSync(join(b, f), join(mixed, `b-${f}`));
    }
    await expectSlideError(openDicomSlide(mixed), mixed, /holds 2 whole-slide series .*; give one series per slide/);
    const slide = await openDicomSlide(join(mixed, 'b-level-2.dcm'));
    expect(slide.levels.map((l) => l.width)).toEqual([600, 300, 150, 75]);
    // native frames: exact, so this is series b's level 0 and not a's JPEG one
    const region = await slide.readRegion(0, 0, 0, 600, 400);
    expect(Buffer.compare(region.data, levels[0].data)).toBe(0);
    await slide.close();
  });

  it('a label alone is not a slide', async () => {
    const dir = await series();
    const alone = tmp.file('label-alone');
    await import('node:fs/promises').then((fs) => fs.mkdir(alone));
    copyFileSync(join(dir, 'label.dcm'), join(alone, 'label.dcm'));
    await expectSlideError(openDicomSlide(join(alone, 'label.dcm')), join(alone, 'label.dcm'), /no VOLUME instance/);
  });

  it('a corrupt frame fails the read with the frame named', async () => {
    const dir = await series({ codec: 'j2k', offsetTable: 'basic' });
    const file = join(dir, 'level-2.dcm');
    const bytes = readFileSync(file);
    // the J2K codestream of the first frame: overwrite its main header after SOC
    const soc = bytes.indexOf(Buffer.from([0xff, 0x4f, 0xff, 0x51]));
    bytes.fill(0x00, soc + 2, soc + 60);
    writeFileSync(file, bytes);
    const slide = await openDicomSlide(dir);
    await expectSlideError(slide.readRegion(2, 0, 0, 10, 10), file, /cannot decode frame 1 \(j2k\)/);
    await slide.close();
  });

  it('a JPEG frame cut short fails the read with the frame named', async () => {
    const dir = await series({ codec: 'jpeg', offsetTable: 'none' });
    const file = join(dir, 'level-3.dcm');
    const bytes = readFileSync(file);
    // an end-of-image marker in the middle of the first frame's entropy-coded data
    const soi = bytes.indexOf(Buffer.from([0xff, 0xd8, 0xff]));
    const sos = bytes.indexOf(Buffer.from([0xff, 0xda]), soi);
    bytes.writeUInt16BE(0xffd9, sos + 200);
    writeFileSync(file, bytes);
    const slide = await openDicomSlide(dir);
    await expectSlideError(slide.readRegion(3, 0, 0, 75, 50), file, /cannot decode frame 1 \(jpeg\).*corrupt/);
    await slide.close();
  });

  it('a series without pixel spacing needs the metadata µm/px', async () => {
    const dir = await series({}, { levelMpp: () => 0 });
    // spacing 0 is no spacing (and Imaged Volume Width 0 neither)
    await expect(openDicomSlide(dir)).rejects.toThrow(MetadataError);
    const slide = await openDicomSlide(dir, { mpp: 0.4 });
    expect(slide.mppSource).toBe('metadata');
    expect(slide.levels.map((l) => l.mpp)).toEqual([0.4, 0.8, 1.6, 3.2]);
    await slide.close();
    await expect(openDicomSlide(dir, { mpp: -1 })).rejects.toThrow(/metadata pixel size -1 is not valid/);
  });
});
