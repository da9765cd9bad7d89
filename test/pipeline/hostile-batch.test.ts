import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSlides } from '../../src/cli/run-slides.js';
import { threadPoolExecutor, type TileExecutor } from '../../src/pipeline/executor.js';
import type { SlideOutcome } from '../../src/pipeline/analyse-slide.js';
import { writeGoodSlides, writeHostileCorpus } from '../../src/synthetic/hostile-corpus.js';
import { goodSetOf, writeCraftedCorpus, type HostileFile } from '../../src/synthetic/hostile/crafted-corpus.js';

// Issue 14: one crafted file of every hostile kind (tile tables, declared sizes, corrupt tiles,
// nonsense µm/px in the file and in the metadata, huge descriptions, MRXS folders and DICOM series
// damaged; the decompression bombs and multi-MB files are left to bench/soak/hostile.ts) and a few
// random cuts and flips, in ONE analyze batch with good slides of every backend among them: each
// fails alone with a typed error naming the file and the problem, the good slides score exactly
// as they do alone.

/** What each kind's error must say (the defect in the file's own numbers). */
const EXPECTED: Record<string, RegExp> = {
  'tile-bytes-zero': /(tile|strip) \d+ \(column \d+, row \d+\) declares 0 bytes/,
  'one-tile-bytes-zero': /(tile|strip) \d+ \(column \d+, row \d+\) declares 0 bytes/,
  'tile-bytes-absurd': /declares 4294967280 bytes at offset \d+, past the end of the file/,
  'tile-offset-past-end': /declares \d+ bytes at offset 4294967040, past the end of the file/,
  'tile-count-short': /lists 1 tile offsets and 1 byte counts, but its 1024 × 768 pixels in 256 × 256 tiles need 12/,
  'tile-count-mismatch': /lists 12 tile offsets and 10 byte counts/,
  'tile-count-huge': /declares 268435456 values of tag (273|324)/,
  'declared-1e6-square': /declares 1000000 × 1000000 pixels \(1\.00e\+3 gigapixels\), over the limit of 10\.0 gigapixels/,
  'declared-60k-square': /60000 × 60000 pixels in \d+ × \d+ (tile|strip)s need \d+/,
  'tile-width-zero': /declares tiles of 0 × 256 pixels/,
  'tile-width-absurd': /declares tiles of 1073741824 × 256 pixels/,
  'corrupt-jpeg-tile': /level 0 tile 6 \(column 2, row 1, pixels 512–768 × 256–512\) is corrupt: its JPEG data holds a stray marker|Corrupt JPEG data|Restart marker not found/,
  'jpeg-tile-no-soi': /tile 6 \(column 2, row 1.*\) is corrupt: it does not start with a JPEG start-of-image marker|Not a JPEG file|carries NDPI marks but OpenSlide cannot parse it/,
  'ifd-chain-loop': /the TIFF's image directories loop \(directory \d+ points back to offset \d+, directory 0's\)/,
  'svs-mpp-nan': /the file's pixel size \(Aperio MPP = nan, XResolution 0 pixels per cm\) is not a valid µm\/px/,
  'svs-mpp-negative': /\(Aperio MPP = -0\.5, XResolution 0 pixels per cm\) is not a valid µm\/px/,
  'svs-mpp-zero': /\(Aperio MPP = 0, XResolution 0 pixels per cm\) is not a valid µm\/px/,
  'svs-mpp-absurd': /\(Aperio MPP = 9e\+99, XResolution 0 pixels per cm\) is not a valid µm\/px/,
  'resolution-zero': /pixel size \((XResolution 0 pixels per cm|openslide\.mpp-x = inf)\) is not a valid µm\/px/,
  'resolution-zero-denominator': /pixel size \((XResolution with a zero denominator pixels per cm|openslide\.mpp-x = 0)\) is not a valid µm\/px/,
  'resolution-absurd': /pixel size \((XResolution 0\.000001 pixels per cm|openslide\.mpp-x = 10000000000)\) is not a valid µm\/px/,
  'scn-xml-entity-bomb': /carries SCN marks but OpenSlide cannot read its SCN metadata/,
  'png-declared-1e6-square': /PNG declares 1000000 × 1000000 pixels .* over the limit of 200 megapixels/,
  'png-declared-14k-square': /declares a non-tiled image of 14000 × 14000 pixels .* refused as a decompression bomb/,
  'png-declared-empty': /PNG header declares an empty image \(0 × 768\)/,
  'png-chunk-length-absurd': /PNG header \(IHDR\) is missing or truncated/,
  'png-resolution-zero': /pixel size \(pHYs 0 pixels per metre\) is not a valid µm\/px/,
  'png-resolution-absurd': /pixel size \(pHYs 1 pixels per metre\) is not a valid µm\/px/,
  'jpeg-declared-65535-square': /JPEG declares 65535 × 65535 pixels .* over the limit/,
  'jpeg-declared-14k-square': /declares a non-tiled image of 14000 × 14000 pixels .* refused as a decompression bomb/,
  'jpeg-declared-empty': /JPEG header declares an empty image \(1024 × 0\)/,
  'jpeg-density-zero': /the file states no pixel size/,
  'jpeg-corrupt-scan': /cannot decode level 0 .*truncated or corrupt/,
  'mrxs-missing-level0-data': /lacks Data0000\.dat, which its Slidedat\.ini lists/,
  'mrxs-missing-other-data': /lacks Data0001\.dat, which its Slidedat\.ini lists/,
  'mrxs-missing-index': /lacks its index Index\.dat/,
  'mrxs-missing-slidedat': /has no Slidedat\.ini with a \[GENERAL\] section/,
  'mrxs-empty-index': /Index\.dat points to byte 41, outside its 0 bytes/,
  'mrxs-slidedat-huge-value': /its Slidedat\.ini is 20\.0 MiB, more than the 1 MiB/,
  'mrxs-grid-absurd': /IMAGENUMBER_X = 1000000 is not an integer from 1 to 100000/,
  'mrxs-mpp-nan': /pixel size \(openslide\.mpp-x = nan\) is not a valid µm\/px/,
  'mrxs-mpp-negative': /pixel size \(openslide\.mpp-x = -0\.5\) is not a valid µm\/px/,
  'mrxs-mpp-zero': /pixel size \(openslide\.mpp-x = 0\) is not a valid µm\/px/,
  'mrxs-mpp-absurd': /pixel size \(openslide\.mpp-x = 1\.0+1e\+300\) is not a valid µm\/px/,
  'mrxs-index-page-loop': /has a page list of level 0 that loops/,
  'mrxs-index-page-count-absurd': /claiming 2147483647 records, past its end/,
  'mrxs-index-root-past-end': /points to byte 2147483632, outside its \d+ bytes/,
  'mrxs-index-truncated': /points to byte \d+, outside its \d+ bytes/,
  'mrxs-record-past-end': /places a level-0 camera image at bytes 2147483632–\d+ of data file 0/,
  'mrxs-record-length-absurd': /places a level-0 camera image at bytes 0–2147483632 of data file 0/,
  'mrxs-corrupt-camera-jpeg': /cannot read level 0 region .*(Not a JPEG file|Corrupt JPEG data)/,
  'dicom-missing-frames-basic-table': /Number of Frames \(0028,0008\) is 7 but its Basic Offset Table holds 4; frames are missing/,
  'dicom-missing-frames-extended-table': /Number of Frames \(0028,0008\) is 7 but its Extended Offset Table holds 4; frames are missing/,
  'dicom-missing-frames-no-table': /Number of Frames \(0028,0008\) is \d+ but its pixel data holds \d+; frames are missing/,
  'dicom-missing-frames-native': /Number of Frames \(0028,0008\) is 7 but its Pixel Data holds 4; frames are missing/,
  'dicom-frames-2e9': /Number of Frames \(0028,0008\) is 2147483552 but its Basic Offset Table holds 4/,
  'dicom-no-pixel-data': /no Pixel Data element \(7FE0,0010\) found/,
  'dicom-pixel-data-renamed': /no Pixel Data element \(7FE0,0010\) found/,
  'dicom-eot-length-absurd': /Extended Offset Table entry 1 puts frame 1 \(1099511627776 bytes at offset 0\) outside the pixel data/,
  'dicom-eot-offset-absurd': /Extended Offset Table entry 2 puts frame 2 \(\d+ bytes at offset 1125899906842624\) outside the pixel data/,
  'dicom-bot-offset-past-end': /Basic Offset Table entry 3 \(\d+\) is out of order or past the pixel data/,
  'dicom-declared-1e6-square': /level of 1000000×1000000 \(1\.00e\+3 gigapixels\) is over the limit/,
  'dicom-tile-count-overflow': /in 1×1 tiles needs 10000000000 frames, Number of Frames \(0028,0008\) is 4/,
  'dicom-tile-size-zero': /Rows \(0028,0010\) must be a positive integer; Columns \(0028,0011\) must be a positive integer/,
  'dicom-mpp-nan': /the DICOM series states no pixel spacing/,
  'dicom-mpp-negative': /the DICOM series states no pixel spacing/,
  'dicom-mpp-zero': /the DICOM series states no pixel spacing/,
  'dicom-mpp-absurd': /pixel spacing over 100 µm\/px is not a microscope image/,
  'dicom-corrupt-jpeg-frame': /cannot decode frame \d+ \(jpeg\): .*the frame is corrupt/,
  'metadata-mpp-nan': /metadata pixel size NaN is not valid/,
  'metadata-mpp-negative': /metadata pixel size -0\.5 is not valid/,
  'metadata-mpp-zero': /metadata pixel size 0 is not valid/,
  'metadata-mpp-absurd': /metadata pixel size 1000000000 is not valid/,
  'metadata-mpp-infinite': /metadata pixel size Infinity is not valid/,
};
/** valid slides whose description is hostile text: read in bounded time, and they analyse */
const ANALYSED = new Set(['ome-xml-unclosed-pixels', 'aperio-million-fields']);

let dir: string;
let executor: TileExecutor;
let crafted: HostileFile[];
let random: string[];
let goods: string[];
let alone: SlideOutcome[];
let outcomeOf: Map<string, SlideOutcome>;
let goodsMixed: SlideOutcome[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bq-hostile-'));
  const all = await writeGoodSlides(dir, 41, ['ndpi', 'scn', 'bif', 'mrxs', 'dicom']);
  const set = goodSetOf(all);
  // one good slide per reader backend is analysed alone and in the batch
  goods = [set.svs, set.png, set.ndpi, set.mrxs, set.dicom];
  crafted = await writeCraftedCorpus(dir, set, { bombs: false, sample: true });
  random = await writeHostileCorpus([set.svs, set.jpg, set.scn], dir, { seed: 14, perFile: 1 });
  executor = threadPoolExecutor({ threads: 2 });
  const request = (p: string) => ({ path: p, metadata: { mpp: 0.5 } });
  alone = await runSlides(goods.map(request), { params: {}, executor, progress: false });
  const hostile = [...crafted.map((f) => ({ path: f.path, metadata: f.metadata, key: `${f.kind} ${f.path}` })), ...random.map((p) => ({ ...request(p), key: p }))];
  const half = Math.floor(hostile.length / 2);
  // good slides first, in the middle and last of the batch
  const batch = [request(goods[0]), ...hostile.slice(0, half), request(goods[1]), request(goods[2]), ...hostile.slice(half), request(goods[3]), request(goods[4])];
  const outcomes = await runSlides(batch, { params: {}, executor, progress: false });
  outcomeOf = new Map(hostile.map((h) => [h.key, outcomes[batch.indexOf(h)]]));
  goodsMixed = goods.map((_g, i) => outcomes[[0, half + 1, half + 2, batch.length - 2, batch.length - 1][i]]);
}, 120_000);

afterAll(async () => {
  await executor?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('one analyze batch of hostile files with good slides among them', () => {
  it('holds every crafted kind, on every reader backend', () => {
    expect(new Set(crafted.map((f) => f.kind))).toEqual(new Set([...Object.keys(EXPECTED), ...ANALYSED]));
    expect(new Set(crafted.filter((f) => f.analyses).map((f) => f.kind))).toEqual(ANALYSED);
    expect(new Set(crafted.map((f) => f.backend))).toEqual(new Set(['tiff', 'sharp', 'openslide', 'dicom', 'metadata']));
    // the TIFF kinds land on the builtin reader and on OpenSlide's NDPI, SCN and BIF
    for (const ext of ['.tif', '.svs', '.ndpi', '.scn', '.bif', '.png', '.jpg', '.mrxs']) expect(crafted.some((f) => f.path.endsWith(ext)), ext).toBe(true);
  });

  it('fails each crafted file alone with a typed error naming the file and its defect', () => {
    for (const f of crafted) {
      const o = outcomeOf.get(`${f.kind} ${f.path}`)!;
      if (ANALYSED.has(f.kind)) continue;
      expect(o.ok, `${f.kind} ${f.path} was analysed`).toBe(false);
      if (o.ok) continue;
      expect(['SLIDE_FORMAT', 'METADATA'], `${f.kind}: ${o.code} ${o.error}`).toContain(o.code);
      expect(o.error.startsWith(`${f.path}`), o.error).toBe(true);
      expect(o.error, f.kind).toMatch(EXPECTED[f.kind]);
      expect(o.error).not.toMatch(/\n|\bat .+:\d+:\d+/);
    }
  });

  it('reads the valid slides with hostile descriptions in bounded time and analyses them as the SVS they were made from', () => {
    const svsAlone = alone[0];
    if (!svsAlone.ok) throw new Error(svsAlone.error);
    for (const f of crafted.filter((x) => ANALYSED.has(x.kind))) {
      const o = outcomeOf.get(`${f.kind} ${f.path}`)!;
      if (!o.ok) throw new Error(o.error);
      expect(o.scores, f.kind).toEqual(svsAlone.scores);
    }
  });

  it('fails random cuts alone, typed and named; flips either fail so or only changed pixels', () => {
    for (const p of random) {
      const o = outcomeOf.get(p)!;
      if (o.ok) {
        expect(path.basename(p).startsWith('flip'), `${p} was analysed`).toBe(true);
        continue;
      }
      expect(o.code, o.error).not.toBe('INTERNAL');
      expect(o.error.startsWith(`${p}: `), o.error).toBe(true);
    }
    const loop = outcomeOf.get(random.find((p) => p.endsWith('ifd-back-loop.tif'))!)!;
    expect(loop.ok ? 'ok' : loop.error).toMatch(/image directories loop \(directory 3 points back to offset 8, directory 0's\)/);
  });

  it('analyses every good slide exactly as it does alone', () => {
    for (const [i, g] of goods.entries()) {
      const a = alone[i];
      const m = goodsMixed[i];
      if (!a.ok) throw new Error(a.error);
      if (!m.ok) throw new Error(m.error);
      expect(m.path).toBe(g);
      expect(m.scores, g).toEqual(a.scores);
      expect(m.scores.cells, g).toBeGreaterThan(100);
    }
  });
});
