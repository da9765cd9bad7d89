import path from 'node:path';
import { HttpError } from '../errors/index.js';

/**
 * How a client's file names become names on the server, for multipart and resumable uploads
 * alike: plain names, one folder level at most, nothing that climbs out of the upload folder.
 */

/** Client file names become plain names: no directories, no dot files, no odd bytes. */
export function safeName(filename: string): string {
  const base = path.basename(filename.replaceAll('\\', '/')).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '');
  if (!base) throw new HttpError(400, `uploaded file name ${JSON.stringify(filename)} has no usable characters`);
  return base.slice(0, 200);
}

/**
 * Where an uploaded file goes in its upload folder. A name "folder/file" (exactly one folder, no
 * "." or ".." part) keeps its folder, so a slide that is a folder (a DICOM series; an MRXS data
 * folder beside its .mrxs) arrives whole; any other name is reduced to its plain file name.
 */
export function uploadPath(filename: string): string {
  const parts = filename.replaceAll('\\', '/').split('/');
  if (parts.length === 2 && parts.every((p) => p !== '' && p !== '.' && p !== '..')) return `${safeName(parts[0])}/${safeName(parts[1])}`;
  return safeName(filename);
}

/**
 * The slides of an upload: each top-level entry (a file, or a folder of files), except the data
 * folder "x" of an uploaded "x.mrxs", which belongs to that slide.
 */
export function uploadedSlides(paths: string[]): string[] {
  const top = [...new Set(paths.map((p) => p.split('/')[0]))];
  return top.filter((name) => !(paths.some((p) => p.includes('/') && p.startsWith(`${name}/`)) && top.includes(`${name}.mrxs`)));
}
