import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import zlib from 'node:zlib';

/**
 * A decompression bomb: a PNG of `width`×`height` dark RGB pixels made of one 1 MiB block of raw
 * bytes repeated (a full flush resets the window, so each repeat compresses to the same bytes).
 * `noise` is the fraction of the block's bytes that are random: 0 gives ~1000× expansion (a few
 * hundred kB for 900 MP), 0.01 ~90×, under the readers' bomb ratio, so the file must be decoded.
 * Written a block at a time: the raw image (~2.7 GB at 30 000²) never exists.
 */
export async function writePngBomb(path: string, width: number, height: number, opts: { noise?: number; seed?: number } = {}): Promise<void> {
  const raw = height * (1 + width * 3); // a filter byte before each row
  const CHUNK = 1 << 20;
  const content = Buffer.alloc(CHUNK);
  const every = opts.noise ? Math.max(1, Math.round(1 / opts.noise)) : 0;
  let state = opts.seed ?? 1;
  for (let i = every - 1; every > 0 && i < CHUNK; i += every) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    // 0–4: wherever a row's filter byte falls, it is a valid filter (the pixels stay near black)
    content[i] = 1 + ((state >>> 24) % 4);
  }
  const blocks = Math.floor(raw / CHUNK);
  const block = zlib.deflateRawSync(content, { level: 6, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const rest = content.subarray(0, raw % CHUNK);
  const tail = zlib.deflateRawSync(rest);
  const out = createWriteStream(path);
  const write = async (b: Uint8Array) => {
    if (!out.write(b)) await once(out, 'drain');
  };
  const chunk = (type: string, data: Uint8Array) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(data, zlib.crc32(type)), 0);
    return Buffer.concat([head, data, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, deflate, adaptive filtering, no interlace
  await write(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  await write(chunk('IHDR', ihdr));
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(adlerOfRepeats(content, blocks, rest), 0);
  const PER_IDAT = 64;
  await write(chunk('IDAT', Buffer.from([0x78, 0xda])));
  for (let i = 0; i < blocks; i += PER_IDAT) await write(chunk('IDAT', Buffer.concat(Array(Math.min(PER_IDAT, blocks - i)).fill(block))));
  await write(chunk('IDAT', Buffer.concat([tail, adler])));
  await write(chunk('IEND', Buffer.alloc(0)));
  out.end();
  await once(out, 'finish');
}

const BASE = 65521;

/** adler32 of `block` repeated n times then `rest`, combining per-block sums instead of reading 2.7 GB */
function adlerOfRepeats(block: Uint8Array, n: number, rest: Uint8Array): number {
  const sums = (bytes: Uint8Array) => {
    let a = 1;
    let b = 0;
    for (const v of bytes) {
      a = (a + v) % BASE;
      b = (b + a) % BASE;
    }
    return { a, b, n: bytes.length };
  };
  // from state (A, B), L bytes with sums (a, b) from the initial state (1, 0) lead to
  // A' = A + a − 1, B' = B + L·A + b − L
  const step = (st: { a: number; b: number }, s: { a: number; b: number; n: number }) => ({
    a: (st.a + s.a - 1 + BASE) % BASE,
    b: (((st.b + ((s.n % BASE) * st.a) % BASE + s.b - (s.n % BASE)) % BASE) + BASE) % BASE,
  });
  const one = sums(block);
  let st = { a: 1, b: 0 };
  for (let i = 0; i < n; i++) st = step(st, one);
  st = step(st, sums(rest));
  return ((st.b << 16) | st.a) >>> 0;
}
