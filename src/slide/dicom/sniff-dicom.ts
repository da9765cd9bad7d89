import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A DICOM Part-10 file: a 128-byte preamble, then 'DICM' (PS3.10 §7.1). */
const PREAMBLE = 128;
const MAGIC = 'DICM';
/**
 * How many files of a folder are looked at when sniffing it. A WSI series is one file per level
 * plus label/overview (about 4–12); 256 covers any real series while a folder of thousands of
 * unrelated files is not read front to back just to say "not DICOM".
 */
const MAX_FOLDER_FILES_SNIFFED = 256;

/** True when the file starts with a Part-10 preamble; false for anything unreadable or shorter. */
export async function isPart10File(path: string): Promise<boolean> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return false;
  }
  try {
    const head = Buffer.alloc(PREAMBLE + MAGIC.length);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.toString('latin1', PREAMBLE) === MAGIC;
  } finally {
    await handle.close();
  }
}

/** The regular files directly inside `dir`, sorted by name (sub-folders are not descended into). */
export async function filesIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(dir, e.name))
    .sort();
}

/**
 * Is this a DICOM slide for the DICOM backend: a Part-10 file, or a folder holding one (by content,
 * never by extension). Any Part-10 file is claimed, not only VL Whole Slide Microscopy ones, so that
 * a CT image or a DICOMDIR handed over by mistake gets the DICOM backend's error naming its SOP
 * class rather than "unknown format".
 */
export async function sniffDicom(path: string): Promise<boolean> {
  const s = await stat(path).catch(() => undefined);
  if (!s) return false;
  if (s.isFile()) return isPart10File(path);
  if (!s.isDirectory()) return false;
  const files = (await filesIn(path).catch(() => [])).slice(0, MAX_FOLDER_FILES_SNIFFED);
  for (const file of files) if (await isPart10File(file)) return true;
  return false;
}
