import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { SlideFormatError } from '../errors/index.js';

/** SHA-256 of a file's bytes, streamed: slides are gigabytes. Identifies a slide by content. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new SlideFormatError(`cannot read slide file ${path}: ${why}`, { cause: err });
  }
  return hash.digest('hex');
}
