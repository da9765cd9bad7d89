import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import zlib from 'node:zlib';

/**
 * A decompression bomb: a PNG of `width`×`height` black RGB pixels that is a few hundred kB on
 * disk (every byte of the raw image is 0, so the deflate stream is one flushed block of zeros
 * repeated). Written a block at a time: the raw image (~2.7 GB at 30 000²) never exists.
 */
export async function writePngBomb(path: string, width: number, height: number): Promise<void> {
  const raw = height * (1 + width * 3); // a filter byte (0 = none) before each row
  const CHUNK = 1 << 20;
  // a full flush resets the window, so every chunk of zeros compresses to the same bytes
  const block = zlib.deflateRawSync(Buffer.alloc(CHUNK), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const tail = zlib.deflateRawSync(Buffer.alloc(raw % CHUNK));
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
  // adler32 of n zero bytes: a stays 1, b grows by 1 per byte
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((raw % 65521) * 65536 + 1, 0);
  const blocks = Math.floor(raw / CHUNK);
  const PER_IDAT = 64;
  await write(chunk('IDAT', Buffer.from([0x78, 0xda])));
  for (let i = 0; i < blocks; i += PER_IDAT) await write(chunk('IDAT', Buffer.concat(Array(Math.min(PER_IDAT, blocks - i)).fill(block))));
  await write(chunk('IDAT', Buffer.concat([tail, adler])));
  await write(chunk('IEND', Buffer.alloc(0)));
  out.end();
  await once(out, 'finish');
}
