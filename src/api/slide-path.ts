import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SlidePathError } from '../errors/index.js';

/** The real path of SLIDES_ROOT, so prefix checks compare like with like when the root is itself a link. */
export async function realSlidesRoot(root: string): Promise<string> {
  try {
    return await realpath(root);
  } catch (err) {
    throw new SlidePathError(`SLIDES_ROOT ${root} is not readable: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * Resolves a submitted slide path to the real path of a file inside SLIDES_ROOT, or throws naming
 * the entry and the problem. Relative paths are taken from the root. `..` segments are refused
 * outright rather than normalised, NUL bytes never reach the file system, and the final check is
 * on the realpath, so a symlink inside the root that points out of it is refused too. Callers
 * hand the returned real path to the workers, so swapping a symlink afterwards changes nothing.
 */
export async function resolveSlidePath(realRoot: string, entry: string, label: string): Promise<string> {
  const shown = JSON.stringify(entry);
  if (entry.includes('\0')) throw new SlidePathError(`${label} ${shown}: contains a NUL byte`);
  if (entry.split(/[\\/]/).includes('..')) throw new SlidePathError(`${label} ${shown}: ".." is not allowed in slide paths`);
  const candidate = path.isAbsolute(entry) ? entry : path.join(realRoot, entry);
  let real: string;
  try {
    real = await realpath(candidate);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // an absolute path outside the root is refused as such, whether or not it exists
    if (!inside(realRoot, path.resolve(candidate))) throw new SlidePathError(`${label} ${shown}: is outside SLIDES_ROOT`);
    throw new SlidePathError(`${label} ${shown}: ${code === 'ENOENT' ? 'no such file under SLIDES_ROOT' : `cannot be read (${code})`}`);
  }
  if (!inside(realRoot, real)) {
    const how = inside(realRoot, path.resolve(candidate)) ? 'resolves outside SLIDES_ROOT (through a symbolic link)' : 'is outside SLIDES_ROOT';
    throw new SlidePathError(`${label} ${shown}: ${how}`);
  }
  const s = await stat(real);
  if (!s.isFile()) throw new SlidePathError(`${label} ${shown}: is not a regular file`);
  return real;
}

function inside(root: string, p: string): boolean {
  return p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
