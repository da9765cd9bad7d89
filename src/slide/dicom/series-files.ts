import { open, stat, type FileHandle } from 'node:fs/promises';
import type { DataSet } from 'dicom-parser';
import { dirname } from 'node:path';
import { SlideFormatError } from '../../errors/index.js';
import { describeInstance, type AssociatedInstance, type WsiInstance } from './instance.js';
import { readInstanceHeader } from './read-header.js';
import { filesIn, isPart10File } from './sniff-dicom.js';

/**
 * A described instance, its parsed header (dropped once the slide is open: sparse headers run to
 * megabytes) and, for levels, its open file (kept open while the slide is).
 */
export type ReadInstance = ({ kind: 'level'; inst: WsiInstance; handle: FileHandle } | { kind: 'associated'; inst: AssociatedInstance }) & { dataSet: DataSet };

async function fileSize(path: string): Promise<number> {
  const s = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new SlideFormatError(`${path}: ${err.code === 'ENOENT' ? 'file not found' : 'cannot be read'}`, { cause: err });
  });
  if (!s.isFile()) throw new SlideFormatError(`${path}: is not a regular file`);
  return s.size;
}

/** Read one file's header and describe it; the file stays open only when it is a level. */
export async function readInstance(path: string): Promise<ReadInstance> {
  const size = await fileSize(path);
  if (!(await isPart10File(path))) throw new SlideFormatError(`${path}: not a DICOM Part-10 file (no 'DICM' after the 128-byte preamble)`);
  const handle = await open(path, 'r');
  try {
    const header = await readInstanceHeader(path, handle, size);
    const described = describeInstance(path, header);
    if (described.flavor === 'VOLUME') return { kind: 'level', inst: described, handle, dataSet: header.dataSet };
    await handle.close();
    return { kind: 'associated', inst: described, dataSet: header.dataSet };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/**
 * The files of one slide: a list as given; a folder's Part-10 files; or, for one file, the Part-10
 * files beside it (its series is picked out after their headers are read). Files of other SOP
 * classes in a folder (a DICOMDIR, a report) are passed over; if nothing is left, the error names
 * what was found.
 */
export async function seriesCandidates(path: string | string[]): Promise<{ files: string[]; given?: string; folder: boolean }> {
  if (Array.isArray(path)) {
    if (path.length === 0) throw new SlideFormatError('a DICOM slide given as a list of files needs at least one file');
    return { files: path, folder: false };
  }
  const s = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new SlideFormatError(`${path}: ${err.code === 'ENOENT' ? 'file not found' : 'cannot be read'}`, { cause: err });
  });
  const dir = s.isDirectory() ? path : dirname(path);
  const files: string[] = [];
  for (const f of await filesIn(dir)) if (await isPart10File(f)) files.push(f);
  if (s.isDirectory()) {
    if (files.length === 0) throw new SlideFormatError(`${path}: the folder holds no DICOM Part-10 files`);
    return { files, folder: true };
  }
  return { files: files.includes(path) ? files : [path, ...files], given: path, folder: true };
}

/** Headers of all candidate files; in folder mode, files that are not WSI instances are passed over. */
export async function readSeries(path: string | string[]): Promise<{ read: ReadInstance[]; given?: string }> {
  const { files, given, folder } = await seriesCandidates(path);
  const read: ReadInstance[] = [];
  const skipped: string[] = [];
  try {
    for (const file of files) {
      try {
        read.push(await readInstance(file));
      } catch (err) {
        // a sibling that is not a WSI instance is not this slide's business; the file asked for is
        if (!folder || file === given || !(err instanceof SlideFormatError) || !/not a whole-slide image/.test(err.message)) throw err;
        skipped.push(err.message);
      }
    }
  } catch (err) {
    await closeAll(read);
    throw err;
  }
  if (!read.some((r) => r.kind === 'level')) {
    await closeAll(read);
    const where = Array.isArray(path) ? path.join(', ') : path;
    const seen = skipped.length > 0 ? `: ${skipped.join('; ')}` : '';
    throw new SlideFormatError(`${where}: no VOLUME instance of a whole-slide image found (nothing to read pixels from)${seen}`);
  }
  return { read, given };
}

export async function closeAll(read: ReadInstance[]): Promise<void> {
  await Promise.all(read.map((r) => (r.kind === 'level' ? r.handle.close().catch(() => undefined) : undefined)));
}
