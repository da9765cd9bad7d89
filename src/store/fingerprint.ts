import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { SlideFormatError } from '../errors/index.js';

async function hashFileInto(hash: Hash, path: string): Promise<void> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new SlideFormatError(`cannot read slide file ${path}: ${why}`, { cause: err });
  }
}

/** SHA-256 of a file's bytes, streamed: slides are gigabytes. Identifies a slide by content. */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  await hashFileInto(hash, path);
  return hash.digest('hex');
}

/**
 * The content fingerprint of a slide: a file's SHA-256, or for a folder slide (a DICOM WSI
 * series: one Part-10 file per level) the SHA-256 over its regular files in name order, each as
 * name, NUL, bytes, NUL — so renaming, adding or changing any file of the series makes a new slide,
 * while the folder's own name and place do not.
 */
export async function slideSha256(path: string): Promise<string> {
  let isDir = false;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch {
    // fileSha256 names the problem
  }
  if (!isDir) return fileSha256(path);
  const names = (await readdir(path, { withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new SlideFormatError(`cannot read slide folder ${path}: it holds no files`);
  const hash = createHash('sha256');
  for (const name of names) {
    hash.update(`${name}\0`);
    await hashFileInto(hash, join(path, name));
    hash.update('\0');
  }
  return hash.digest('hex');
}
