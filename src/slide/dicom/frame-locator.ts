import type { FileHandle } from 'node:fs/promises';
import { SlideFormatError } from '../../errors/index.js';
import type { WsiInstance } from './instance.js';

/** Item (FFFE,E000) and Sequence Delimitation Item (FFFE,E0DD) tags as the first 4 bytes read little-endian. */
const ITEM = 0xe000fffe;
const SEQUENCE_DELIMITER = 0xe0ddfffe;

/** Where one fragment's value lies. */
interface Fragment {
  offset: number;
  length: number;
  /** first two bytes of the value: a codestream start (JPEG SOI, J2K SOC) begins a new frame */
  starts: boolean;
}

/** Reads the encoded bytes of frame i (0-based) of one instance, touching only that frame's bytes. */
export interface FrameLocator {
  frameBytes(index: number): Promise<Uint8Array>;
}

async function readExactly(handle: FileHandle, path: string, offset: number, length: number, what: string): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buf, 0, length, offset);
  if (bytesRead !== length) throw new SlideFormatError(`${path}: the file ends inside ${what} (needs bytes ${offset}–${offset + length}, file is shorter); it is truncated`);
  return buf;
}

function startsCodestream(b0: number, b1: number): boolean {
  return (b0 === 0xff && b1 === 0xd8) || (b0 === 0xff && b1 === 0x4f);
}

function missingFrames(inst: WsiInstance, found: number, where: string): SlideFormatError {
  return new SlideFormatError(`${inst.path}: Number of Frames (0028,0008) is ${inst.numberOfFrames} but ${where} holds ${found}; frames are missing`);
}

/** Native (uncompressed) pixel data: frame i is at a fixed stride. */
function nativeLocator(inst: WsiInstance, handle: FileHandle): FrameLocator {
  const frameSize = inst.rows * inst.columns * inst.samplesPerPixel;
  const held = Math.floor((inst.pixelData.length ?? 0) / frameSize);
  if (held < inst.numberOfFrames) throw missingFrames(inst, held, 'its Pixel Data');
  if (inst.pixelData.offset + inst.numberOfFrames * frameSize > inst.fileSize) {
    throw new SlideFormatError(`${inst.path}: the file ends inside its Pixel Data (${inst.numberOfFrames} frames of ${frameSize} bytes need ${inst.pixelData.offset + inst.numberOfFrames * frameSize} bytes, the file has ${inst.fileSize}); it is truncated`);
  }
  return { frameBytes: (i) => readExactly(handle, inst.path, inst.pixelData.offset + i * frameSize, frameSize, `frame ${i + 1}`) };
}

/** Concatenate the item values in `buf` (a run of whole items); stops at a sequence delimiter. */
function itemValues(inst: WsiInstance, buf: Buffer, frame: number): Uint8Array {
  const parts: Buffer[] = [];
  let p = 0;
  while (p + 8 <= buf.length) {
    const tag = buf.readUInt32LE(p);
    if (tag === SEQUENCE_DELIMITER) break;
    const length = buf.readUInt32LE(p + 4);
    if (tag !== ITEM || p + 8 + length > buf.length) throw new SlideFormatError(`${inst.path}: frame ${frame + 1} is not a run of pixel data items; the offset table or the file is corrupt`);
    parts.push(buf.subarray(p + 8, p + 8 + length));
    p += 8 + length;
  }
  if (parts.length === 0) throw new SlideFormatError(`${inst.path}: frame ${frame + 1} has no pixel data item; the offset table or the file is corrupt`);
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

/**
 * Encapsulated pixel data. Frame offsets come from the Extended Offset Table, else the Basic
 * Offset Table, else one scan of the item headers (done once, on the first read of the level).
 * Opening checks only what is cheap: offset table sizes, and that the file ends with the
 * sequence delimiter (a truncated file does not).
 */
async function encapsulatedLocator(inst: WsiInstance, handle: FileHandle): Promise<FrameLocator> {
  const { path } = inst;
  const base = inst.pixelData.offset;
  const botHeader = await readExactly(handle, path, base, 8, 'the Basic Offset Table');
  if (botHeader.readUInt32LE(0) !== ITEM) throw new SlideFormatError(`${path}: encapsulated Pixel Data does not start with an item (the Basic Offset Table); the file is corrupt`);
  const botLength = botHeader.readUInt32LE(4);
  const firstFragment = base + 8 + botLength;
  const frames = inst.numberOfFrames;

  const tail = await readExactly(handle, path, Math.max(0, inst.fileSize - 8), Math.min(8, inst.fileSize), 'the end of the pixel data');
  const endsWithDelimiter = tail.length === 8 && tail.readUInt32LE(0) === SEQUENCE_DELIMITER && tail.readUInt32LE(4) === 0;
  if (!endsWithDelimiter) {
    throw new SlideFormatError(`${path}: the encapsulated pixel data does not end with a sequence delimiter at the end of the file; the file is truncated`);
  }
  const dataEnd = inst.fileSize - 8;

  const eot = inst.pixelData.extendedOffsets;
  if (eot && eot.offsets.length > 0) {
    if (eot.offsets.length < frames || eot.lengths.length < frames) throw missingFrames(inst, Math.min(eot.offsets.length, eot.lengths.length), 'its Extended Offset Table');
    // each frame (item header + value) inside the pixel data: a length of 2^40 would be allocated before the read failed
    for (let k = 0; k < frames; k++) {
      const end = firstFragment + eot.offsets[k] + 8 + eot.lengths[k];
      if (!(eot.lengths[k] > 0 && end <= dataEnd)) {
        throw new SlideFormatError(`${path}: Extended Offset Table entry ${k + 1} puts frame ${k + 1} (${eot.lengths[k]} bytes at offset ${eot.offsets[k]}) outside the pixel data (${dataEnd - firstFragment} bytes); the file is corrupt or truncated`);
      }
    }
    return {
      frameBytes: (i) => readExactly(handle, path, firstFragment + eot.offsets[i] + 8, eot.lengths[i], `frame ${i + 1}`),
    };
  }

  if (botLength > 0) {
    const bot = await readExactly(handle, path, base + 8, botLength, 'the Basic Offset Table');
    const offsets = Array.from({ length: botLength / 4 }, (_, k) => bot.readUInt32LE(4 * k));
    if (offsets.length < frames) throw missingFrames(inst, offsets.length, 'its Basic Offset Table');
    for (let k = 0; k < frames; k++) {
      const next = k + 1 < frames ? offsets[k + 1] : dataEnd - firstFragment;
      if (!(offsets[k] < next) || firstFragment + next > dataEnd) {
        throw new SlideFormatError(`${path}: Basic Offset Table entry ${k + 1} (${offsets[k]}) is out of order or past the pixel data; the file is corrupt or truncated`);
      }
    }
    return {
      async frameBytes(i) {
        const from = firstFragment + offsets[i];
        const to = i + 1 < frames ? firstFragment + offsets[i + 1] : dataEnd;
        return itemValues(inst, await readExactly(handle, path, from, to - from, `frame ${i + 1}`), i);
      },
    };
  }

  let index: Promise<Fragment[][]> | undefined;
  const frameIndex = (): Promise<Fragment[][]> => {
    index ??= scanFrames(inst, handle, firstFragment, dataEnd);
    return index;
  };
  return {
    async frameBytes(i) {
      const fragments = (await frameIndex())[i];
      const parts = await Promise.all(fragments.map((f) => readExactly(handle, path, f.offset, f.length, `frame ${i + 1}`)));
      return parts.length === 1 ? parts[0] : Buffer.concat(parts);
    },
  };
}

/** Walk the item headers once (one small read per fragment) and group fragments into frames. */
async function scanFrames(inst: WsiInstance, handle: FileHandle, from: number, dataEnd: number): Promise<Fragment[][]> {
  const fragments: Fragment[] = [];
  const head = Buffer.alloc(10);
  let p = from;
  while (p < dataEnd) {
    const { bytesRead } = await handle.read(head, 0, 10, p);
    if (bytesRead < 8 || head.readUInt32LE(0) !== ITEM) {
      throw new SlideFormatError(`${inst.path}: pixel data item at byte ${p} is corrupt (expected an item tag); the file is corrupt or truncated`);
    }
    const length = head.readUInt32LE(4);
    if (p + 8 + length > dataEnd) throw new SlideFormatError(`${inst.path}: pixel data item at byte ${p} runs past the end of the pixel data; the file is truncated`);
    fragments.push({ offset: p + 8, length, starts: bytesRead >= 10 && startsCodestream(head[8], head[9]) });
    p += 8 + length;
  }
  const frames = inst.numberOfFrames;
  if (fragments.length === frames) return fragments.map((f) => [f]);
  if (fragments.length < frames) throw missingFrames(inst, fragments.length, 'its pixel data');
  // more fragments than frames: a frame split over several items starts where a codestream starts
  const grouped: Fragment[][] = [];
  for (const f of fragments) {
    if (f.starts || grouped.length === 0) grouped.push([f]);
    else grouped[grouped.length - 1].push(f);
  }
  if (grouped.length < frames) throw missingFrames(inst, grouped.length, 'its pixel data');
  return grouped;
}

export function frameLocator(inst: WsiInstance, handle: FileHandle): Promise<FrameLocator> {
  return inst.pixelData.encapsulated ? encapsulatedLocator(inst, handle) : Promise.resolve(nativeLocator(inst, handle));
}
