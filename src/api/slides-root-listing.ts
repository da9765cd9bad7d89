import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { SlidePathError } from '../errors/index.js';

export interface RootEntry {
  name: string;
  /** relative to SLIDES_ROOT, as POST /batches and /batches/uploaded take it */
  path: string;
  /** folder: browse into it; series: a folder that is one slide (DICOM files); slide: a slide file */
  kind: 'folder' | 'series' | 'slide';
  /** bytes of a slide file; of a series, of its files together */
  size: number;
}

/** Names a slide file is given by the formats the readers take (the readers go by content; this only picks what to list). */
const SLIDE_FILE = /\.(svs|tiff?|btf|ndpi|vms|mrxs|scn|bif|png|jpe?g)$/i;
/** most entries listed from one folder */
const MAX_ENTRIES = 5_000;

function inside(root: string, p: string): boolean {
  return p === root || p.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * The slides and folders in one folder under SLIDES_ROOT, for picking slides the server already
 * has instead of uploading them. The upload folder, dot files, the data folder of an .mrxs and
 * files no reader takes are left out; nothing outside the root is listed (links out of it neither).
 */
export async function listSlidesRoot(realRoot: string, dir: string, hide: readonly string[]): Promise<RootEntry[]> {
  const shown = JSON.stringify(dir);
  if (dir.includes('\0') || path.isAbsolute(dir) || dir.split(/[\\/]/).includes('..')) throw new SlidePathError(`dir ${shown}: give a folder relative to SLIDES_ROOT, without ".."`);
  const folder = await realpath(path.join(realRoot, dir)).catch(() => null);
  if (folder === null || !inside(realRoot, folder) || !(await stat(folder)).isDirectory()) throw new SlidePathError(`dir ${shown}: no such folder under SLIDES_ROOT`);
  const dirents = await readdir(folder, { withFileTypes: true });
  const names = new Set(dirents.map((d) => d.name));
  const out: RootEntry[] = [];
  for (const d of dirents) {
    if (out.length >= MAX_ENTRIES) break;
    if (d.name.startsWith('.')) continue;
    const full = await realpath(path.join(folder, d.name)).catch(() => null);
    if (full === null || !inside(realRoot, full) || hide.includes(full)) continue;
    const rel = path.relative(realRoot, path.join(folder, d.name)).split(path.sep).join('/');
    const s = await stat(full);
    if (s.isDirectory()) {
      if (names.has(`${d.name}.mrxs`)) continue;
      const files = await readdir(full, { withFileTypes: true }).catch(() => []);
      const dicom = files.filter((f) => f.isFile() && /\.dcm$/i.test(f.name));
      if (dicom.length > 0) {
        const sizes = await Promise.all(dicom.map((f) => stat(path.join(full, f.name)).then((x) => x.size, () => 0)));
        out.push({ name: d.name, path: rel, kind: 'series', size: sizes.reduce((a, b) => a + b, 0) });
      } else out.push({ name: d.name, path: rel, kind: 'folder', size: 0 });
    } else if (s.isFile() && SLIDE_FILE.test(d.name)) out.push({ name: d.name, path: rel, kind: 'slide', size: s.size });
  }
  const order = { folder: 0, series: 1, slide: 1 };
  return out.sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name));
}
