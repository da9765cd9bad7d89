import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sceneSource } from '../render.js';
import { makeScene } from '../scene.js';
import { DICOM_KINDS, writeDamagedDicom } from './crafted-dicom.js';
import { jpegBomb, jpegCorruptScan, jpegDeclaring, jpegWithDensity, pngBomb, pngChunkLengthAbsurd, pngDeclaring, pngWithResolution } from './crafted-flat.js';
import { MRXS_DAMAGE, writeDamagedMrxs } from './crafted-mrxs.js';
import { TIFF_DAMAGE, TIFF_MPP_DAMAGE, TIFF_TEXT_DAMAGE, describedAs } from './crafted-tiff.js';
import { tiffEntries } from './tiff-patch.js';

/** Which reader a hostile file is aimed at. */
export type HostileBackend = 'tiff' | 'sharp' | 'openslide' | 'dicom' | 'metadata' | 'random';

/** One crafted hostile slide: where it is, what is wrong with it, how to submit it. */
export interface HostileFile {
  /** the file or folder to analyse */
  path: string;
  /** the defect, e.g. `tile-bytes-zero` */
  kind: string;
  backend: HostileBackend;
  /** the slide metadata it is submitted with (µm/px 0.5, except where the pixel size is the defect) */
  metadata: { mpp?: number };
  /**
   * true for a valid slide whose only oddity is hostile text (a description a naive parser chokes
   * on): it must be read in bounded time and analysed; every other crafted file must fail
   */
  analyses?: true;
}

/** The good slides a crafted corpus is made from, by extension (see writeGoodSlides). */
export interface GoodSet {
  tif: string;
  svs: string;
  png: string;
  jpg: string;
  ndpi: string;
  scn: string;
  bif: string;
  mrxs: string;
  dicom: string;
}

export function goodSetOf(goods: readonly string[]): GoodSet {
  const by = (end: string): string => {
    const g = goods.find((p) => p.endsWith(end));
    if (!g) throw new RangeError(`goodSetOf: no good slide ending ${end}`);
    return g;
  };
  return { tif: by('.tif'), svs: by('.svs'), png: by('.png'), jpg: by('.jpg'), ndpi: by('.ndpi'), scn: by('.scn'), bif: by('.bif'), mrxs: by('.mrxs'), dicom: by('good-dicom') };
}

const META = { mpp: 0.5 };

/** The SCN's own XML with a DOCTYPE that nests entities a billion times over ("billion laughs"), referenced once. */
function scnEntityBomb(scn: Buffer): Buffer {
  const e = tiffEntries(scn).find((x) => x.ifd === 0 && x.tag === 270);
  if (!e) throw new RangeError('no ImageDescription in the SCN');
  const xml = scn.toString('latin1', e.valuesAt, e.valuesAt + e.count).replace(/\0+$/, '');
  const ents = ['<!ENTITY l0 "lollollollollollollollollollol">'];
  for (let i = 1; i < 10; i++) ents.push(`<!ENTITY l${i} "${`&l${i - 1};`.repeat(10)}">`);
  const body = xml.replace(/^<\?xml[^>]*\?>/, '').replace(/(<scn\b[^>]*>)/, '$1<lol>&l9;</lol>');
  return Buffer.from(`<?xml version="1.0"?><!DOCTYPE scn [${ents.join('')}]>${body}`, 'latin1');
}

/**
 * Every crafted kind against every backend it applies to, written into `dir` from `goods`
 * (writeGoodSlides with ndpi, scn, bif, mrxs and dicom). `bombs: false` leaves out the few kinds
 * that take seconds to write or hundreds of MB of disk (the 65 MiB description, the decompression
 * bombs, the 40 MB Slidedat.ini), for a quick test.
 */
export async function writeCraftedCorpus(dir: string, goods: GoodSet, opts: { bombs?: boolean; sample?: boolean } = {}): Promise<HostileFile[]> {
  const bombs = opts.bombs ?? true;
  // sample: each TIFF and metadata kind once, on the backends in turn, instead of on every one
  const sample = opts.sample ?? false;
  let turn = 0;
  const out: HostileFile[] = [];
  const put = async (name: string, kind: string, backend: HostileBackend, bytes: Buffer | undefined, metadata: { mpp?: number } = META, analyses = false): Promise<void> => {
    if (!bytes) return;
    const p = path.join(dir, name);
    await writeFile(p, bytes);
    out.push({ path: p, kind, backend, metadata, ...(analyses ? { analyses: true as const } : {}) });
  };

  // tiled TIFFs: the builtin reader (pyramidal TIFF, SVS) and OpenSlide's vendor TIFFs
  const tiffs: [string, HostileBackend][] = [['tif', 'tiff'], ['svs', 'tiff'], ['ndpi', 'openslide'], ['scn', 'openslide'], ['bif', 'openslide']];
  const bytesOf = new Map<string, Buffer>();
  for (const [ext] of tiffs) bytesOf.set(ext, await readFile(goods[ext as keyof GoodSet]));
  for (const [kind, damage] of Object.entries(TIFF_DAMAGE)) {
    for (let k = 0; k < tiffs.length; k++) {
      const [ext, backend] = tiffs[(turn + k) % tiffs.length];
      const bytes = damage(bytesOf.get(ext)!);
      if (!bytes) continue;
      await put(`${kind}.${ext}`, kind, backend, bytes);
      if (sample) break;
    }
    turn++;
  }
  for (const [kind, { applies, damage }] of Object.entries(TIFF_MPP_DAMAGE)) {
    const exts = applies === 'svs' ? ['svs'] : sample ? [turn++ % 2 ? 'tif' : 'ndpi'] : ['tif', 'ndpi'];
    for (const ext of exts) await put(`${kind}.${ext}`, kind, ext === 'ndpi' ? 'openslide' : 'tiff', damage(bytesOf.get(ext)!), {});
  }
  const svs = bytesOf.get('svs')!;
  const scn = bytesOf.get('scn')!;
  await put('ome-xml-unclosed-pixels.tif', 'ome-xml-unclosed-pixels', 'tiff', TIFF_TEXT_DAMAGE['ome-xml-unclosed-pixels'](svs), META, true);
  await put('aperio-million-fields.svs', 'aperio-million-fields', 'tiff', TIFF_TEXT_DAMAGE['aperio-million-fields'](svs), META, true);
  if (bombs) await put('description-65mib.svs', 'description-65mib', 'tiff', TIFF_TEXT_DAMAGE['description-65mib'](svs));
  await put('scn-xml-entity-bomb.scn', 'scn-xml-entity-bomb', 'openslide', describedAs(scn, scnEntityBomb(scn)));

  // PNG and JPEG (libvips through sharp)
  const jpg = await readFile(goods.jpg);
  await put('png-declared-1e6-square.png', 'png-declared-1e6-square', 'sharp', pngDeclaring(1_000_000, 1_000_000));
  await put('png-declared-14k-square.png', 'png-declared-14k-square', 'sharp', pngDeclaring(14_000, 14_000));
  await put('png-declared-empty.png', 'png-declared-empty', 'sharp', pngDeclaring(0, 768));
  await put('png-chunk-length-absurd.png', 'png-chunk-length-absurd', 'sharp', pngChunkLengthAbsurd());
  await put('png-resolution-zero.png', 'png-resolution-zero', 'sharp', await pngWithResolution(0), {});
  await put('png-resolution-absurd.png', 'png-resolution-absurd', 'sharp', await pngWithResolution(1), {});
  await put('jpeg-declared-65535-square.jpg', 'jpeg-declared-65535-square', 'sharp', jpegDeclaring(jpg, 65535, 65535));
  await put('jpeg-declared-14k-square.jpg', 'jpeg-declared-14k-square', 'sharp', jpegDeclaring(jpg, 14_000, 14_000));
  await put('jpeg-declared-empty.jpg', 'jpeg-declared-empty', 'sharp', jpegDeclaring(jpg, 1024, 0));
  await put('jpeg-density-zero.jpg', 'jpeg-density-zero', 'sharp', await jpegWithDensity(jpg, 0), {});
  await put('jpeg-corrupt-scan.jpg', 'jpeg-corrupt-scan', 'sharp', jpegCorruptScan(jpg));
  if (bombs) {
    await put('png-bomb-14k-square.png', 'png-decompression-bomb', 'sharp', await pngBomb(14_000, 14_000));
    await put('jpeg-bomb-14k-square.jpg', 'jpeg-decompression-bomb', 'sharp', await jpegBomb(14_000, 14_000));
  }

  // MRXS folders (OpenSlide)
  for (const [kind, damage] of Object.entries(MRXS_DAMAGE)) {
    if (!bombs && kind === 'mrxs-slidedat-40mb') continue;
    const p = await writeDamagedMrxs(goods.mrxs, dir, kind, damage);
    out.push({ path: p, kind, backend: 'openslide', metadata: kind.startsWith('mrxs-mpp-') ? {} : META });
  }

  // DICOM WSI series
  // a 512 × 384 series (2 × 2 frames at level 0) is enough to break and is quick to write
  const scene = makeScene({ seed: 3, width: 512, height: 384 });
  const pixels = sceneSource(scene).region(0, 0, 512, 384);
  for (const [kind, spec] of Object.entries(DICOM_KINDS)) {
    const p = await writeDamagedDicom(pixels, scene.mpp, dir, kind, spec);
    out.push({ path: p, kind, backend: 'dicom', metadata: kind.startsWith('dicom-mpp-') ? {} : META });
  }

  // the slide metadata (CLI flags, manifest, API) states a nonsense pixel size for a good slide
  for (const [kind, mpp] of [['metadata-mpp-nan', NaN], ['metadata-mpp-negative', -0.5], ['metadata-mpp-zero', 0], ['metadata-mpp-absurd', 1e9], ['metadata-mpp-infinite', Infinity]] as const) {
    const targets = [goods.png, goods.ndpi, goods.dicom];
    for (const g of sample ? [targets[turn++ % targets.length]] : targets) out.push({ path: g, kind, backend: 'metadata', metadata: { mpp } });
  }
  return out;
}
