import sharp from 'sharp';
import type { RgbRaster } from '../../image/raster.js';

/**
 * One baseline JPEG of a whole level with a restart marker every `restartInterval` MCUs, as
 * Hamamatsu writes NDPI levels (OpenSlide decodes each restart interval as a tile of
 * restartInterval·8 × 8 pixels). Chroma is not subsampled: OpenSlide decodes one interval as an
 * image of its own height but libjpeg sizes the scan from the level's SOF, and 4:2:0 fancy
 * upsampling reads the next MCU row ahead, past the interval (measured: "found marker 0xd9 instead
 * of RST0" on every tile but the last). libvips cannot set a restart interval, so each interval is
 * encoded as its own small JPEG with the standard Huffman tables and the same quantisation tables,
 * and their entropy-coded segments are joined with RSTn markers: a restart resets the DC
 * predictors and byte-aligns the bit stream, exactly what the start of a separate JPEG does.
 */
export interface RestartJpeg {
  bytes: Uint8Array;
  /** byte offset (from the JPEG's first byte) where each restart interval's data starts, row-major */
  segmentStarts: number[];
  /** pixels per restart interval */
  tileWidth: number;
  tileHeight: number;
}

/** 4:4:4 chroma: one MCU is 8 × 8 pixels */
const MCU = 8;

interface Parsed {
  /** SOI up to, not including, SOF */
  beforeSof: Buffer;
  sof: Buffer;
  /** after SOF up to and including the SOS segment */
  afterSof: Buffer;
  entropy: Buffer;
}

function parseJpeg(jpeg: Buffer): Parsed {
  let pos = 2;
  let sofAt = -1;
  let sofEnd = -1;
  while (pos < jpeg.length) {
    if (jpeg[pos] !== 0xff) throw new Error(`restart-jpeg: expected a marker at byte ${pos}`);
    const marker = jpeg[pos + 1];
    const length = jpeg.readUInt16BE(pos + 2);
    if (marker === 0xc2 || marker === 0xc1) throw new Error('restart-jpeg: encoder wrote a progressive/extended JPEG');
    if (marker === 0xc0) {
      sofAt = pos;
      sofEnd = pos + 2 + length;
    }
    pos += 2 + length;
    if (marker === 0xda) break;
  }
  if (sofAt < 0) throw new Error('restart-jpeg: no SOF0 marker');
  // the scan ends with EOI (FF D9); the encoder writes no other marker after SOS
  const end = jpeg.length - 2;
  if (jpeg[end] !== 0xff || jpeg[end + 1] !== 0xd9) throw new Error('restart-jpeg: JPEG does not end with EOI');
  return { beforeSof: jpeg.subarray(0, sofAt), sof: jpeg.subarray(sofAt, sofEnd), afterSof: jpeg.subarray(sofEnd, pos), entropy: jpeg.subarray(pos, end) };
}

function crop(src: RgbRaster, x: number, y: number, w: number, h: number): Buffer {
  const out = Buffer.alloc(w * h * 3);
  for (let row = 0; row < h; row++) {
    const from = ((y + row) * src.width + x) * 3;
    out.set(src.data.subarray(from, from + w * 3), row * w * 3);
  }
  return out;
}

/**
 * Encode `image` (width a multiple of restartInterval·8, height a multiple of 8) as one JPEG with
 * restart markers. Quality as sharp's; chroma 4:4:4.
 */
export async function encodeRestartJpeg(image: RgbRaster, restartInterval: number, quality: number): Promise<RestartJpeg> {
  const tileWidth = restartInterval * MCU;
  const tileHeight = MCU;
  if (image.width % tileWidth !== 0 || image.height % tileHeight !== 0) {
    throw new RangeError(`restart-jpeg: ${image.width}×${image.height} is not a whole number of ${tileWidth}×${tileHeight} restart intervals`);
  }
  const across = image.width / tileWidth;
  const down = image.height / tileHeight;
  const parts: Parsed[] = [];
  for (let ty = 0; ty < down; ty++) {
    const row = await Promise.all(
      Array.from({ length: across }, (_, tx) =>
        sharp(crop(image, tx * tileWidth, ty * tileHeight, tileWidth, tileHeight), { raw: { width: tileWidth, height: tileHeight, channels: 3 } })
          .jpeg({ quality, chromaSubsampling: '4:4:4', optimiseCoding: false, mozjpeg: false })
          .toBuffer(),
      ),
    );
    for (const jpeg of row) parts.push(parseJpeg(jpeg));
  }
  const first = parts[0];
  for (const p of parts) {
    // one set of tables for the whole level, or the joined stream would not decode
    if (!p.beforeSof.equals(first.beforeSof) || !p.afterSof.equals(first.afterSof)) throw new Error('restart-jpeg: the encoder used different tables for two tiles');
  }
  const sof = Buffer.from(first.sof);
  sof.writeUInt16BE(image.height, 5);
  sof.writeUInt16BE(image.width, 7);
  const dri = Buffer.from([0xff, 0xdd, 0x00, 0x04, (restartInterval >> 8) & 0xff, restartInterval & 0xff]);
  const header = Buffer.concat([first.beforeSof, sof, dri, first.afterSof]);
  const chunks: Buffer[] = [header];
  const segmentStarts: number[] = [];
  let at = header.length;
  parts.forEach((p, i) => {
    if (i > 0) {
      chunks.push(Buffer.from([0xff, 0xd0 + ((i - 1) % 8)]));
      at += 2;
    }
    segmentStarts.push(at);
    chunks.push(p.entropy);
    at += p.entropy.length;
  });
  chunks.push(Buffer.from([0xff, 0xd9]));
  return { bytes: Buffer.concat(chunks), segmentStarts, tileWidth, tileHeight };
}
