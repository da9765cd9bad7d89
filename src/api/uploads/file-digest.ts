import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileDigest {
  size: number;
  /** SHA-256 of the whole file, hex */
  sha256: string;
  /** SHA-256 of its first `headBytes` bytes (all of it when shorter), hex */
  head: string;
}

/** Both hashes in one read of the file (a slide of several GB is read once, not twice). */
export async function fileDigest(file: string, headBytes: number): Promise<FileDigest> {
  const full = createHash('sha256');
  const head = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 ** 2 }) as AsyncIterable<Buffer>) {
    full.update(chunk);
    if (size < headBytes) head.update(chunk.subarray(0, headBytes - size));
    size += chunk.length;
  }
  return { size, sha256: full.digest('hex'), head: head.digest('hex') };
}
