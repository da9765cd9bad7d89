import { HttpError } from '../../errors/index.js';
import { uploadedSlides, uploadPath } from '../upload-names.js';
import type { ContentStore, SlideFile } from './content-store.js';

/**
 * The path of the slide these verified files make, assembled from stored content. The files must
 * make exactly one slide, their names made plain as every upload's are (upload-names.ts: "a b.tif"
 * is a_b.tif, "../x.tif" x.tif): one file, one folder of files (a DICOM series), or an .mrxs with
 * its data folder. `label` names the entry in errors.
 */
export async function uploadedSlidePath(content: ContentStore, files: readonly SlideFile[], label: string): Promise<string> {
  const names: string[] = [];
  for (const [j, f] of files.entries()) {
    const name = uploadPath(f.path);
    if (names.includes(name)) throw new HttpError(400, `${label}.files[${j}].path "${name}" is named twice`);
    const top = name.split('/')[0];
    if (names.some((n) => n.split('/')[0] === top && (n === top) !== (name === top))) throw new HttpError(400, `${label}.files: "${top}" is both a file and a folder`);
    names.push(name);
  }
  const slides = uploadedSlides(names);
  if (slides.length !== 1) throw new HttpError(400, `${label}.files make ${slides.length} slides (${slides.join(', ')}); give one entry per slide`);
  for (const [j, f] of files.entries()) {
    if (!(await content.has(f.sha256))) throw new HttpError(400, `${label}.files[${j}] "${f.path}": no verified upload has SHA-256 ${f.sha256}; upload the file and verify it first`);
  }
  return content.assemble(files.map((f, j) => ({ path: names[j], sha256: f.sha256 })), slides[0]);
}
