import { readdir, realpath, stat } from 'node:fs/promises';
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
 * Resolves a submitted slide path to the real path of a file (or slide folder) inside SLIDES_ROOT, or throws naming
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
  if (s.isDirectory()) {
    await checkSlideFolder(realRoot, real, `${label} ${shown}`);
    return real;
  }
  if (!s.isFile()) throw new SlidePathError(`${label} ${shown}: is not a regular file or a slide folder`);
  return real;
}

/**
 * A folder is one slide (a DICOM WSI series: one Part-10 file per level) when it holds files;
 * every entry must resolve inside the root, since the reader opens them all — a link in the
 * folder pointing out of SLIDES_ROOT would read outside it.
 */
async function checkSlideFolder(realRoot: string, folder: string, shown: string): Promise<void> {
  const entries = await readdir(folder, { withFileTypes: true });
  let files = 0;
  for (const e of entries) {
    const real = await realpath(path.join(folder, e.name)).catch(() => null);
    if (real === null) continue;
    if (!inside(realRoot, real)) throw new SlidePathError(`${shown}: its entry ${JSON.stringify(e.name)} resolves outside SLIDES_ROOT (through a symbolic link)`);
    if ((await stat(real)).isFile()) files++;
  }
  if (files === 0) throw new SlidePathError(`${shown}: is a folder with no files (a folder slide is a DICOM series, one file per level)`);
}

function inside(root: string, p: string): boolean {
  return p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}
