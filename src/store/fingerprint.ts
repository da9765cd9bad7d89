import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { SlideFormatError } from '../errors/index.js';

/** SHA-256 of a file's bytes, streamed: slides are gigabytes. Identifies a slide by content. */
export async function fileSha256(path: string): Promise<string> {
  return filesSha256([path]);
}

/**
 * SHA-256 of several files' bytes one after another (a multi-file slide, e.g. MRXS); one file
 * hashes exactly as fileSha256 does.
 */
export async function filesSha256(paths: string[]): Promise<string> {
  const hash = createHash('sha256');
  for (const path of paths) await hashInto(hash, path);
  return hash.digest('hex');
}

async function hashInto(hash: ReturnType<typeof createHash>, path: string): Promise<void> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new SlideFormatError(`cannot read slide file ${path}: ${why}`, { cause: err });
  }
}
