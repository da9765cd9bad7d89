import { createHash, randomUUID } from 'node:crypto';
import { chmod, constants, copyFile, link, mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileDigest } from './file-digest.js';
import type { UploadArea } from './upload-settings.js';

/** A file of an uploaded slide: its name within the slide ("a.tif", "series/level-0.dcm") and its content. */
export interface SlideFile {
  path: string;
  sha256: string;
}

/**
 * Hard-links `from` to `to`; where the file system has no hard links, copies (the content is
 * then stored twice, which is all such a file system allows). False when `to` already exists.
 */
async function linkOnce(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'EMLINK') throw err;
  }
  try {
    await copyFile(from, to, constants.COPYFILE_EXCL);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

const exists = (p: string) => stat(p).then(() => true, () => false);

/**
 * Verified upload content, stored once per SHA-256 however many slides or batches use it. Every
 * step is a link or a rename, each atomic, so two API processes sharing the folder (or a crash
 * half-way) never leave a half-written slide under a final name.
 */
export class ContentStore {
  constructor(private readonly area: UploadArea) {}

  blob(sha256: string): string {
    return path.join(this.area.content, sha256);
  }

  has(sha256: string): Promise<boolean> {
    return exists(this.blob(sha256));
  }

  /** Some stored content starts with these bytes and has this size: the upload is likely a duplicate. */
  async headKnown(size: number, head: string): Promise<boolean> {
    const names = await readdir(path.join(this.area.heads, `${size}-${head}`)).catch(() => [] as string[]);
    return names.length > 0;
  }

  /**
   * Takes a verified file in as content (the caller then removes its upload). `stored` is false
   * when the same content was there already: nothing new is kept.
   */
  async adopt(file: string, digest: FileDigest): Promise<{ stored: boolean }> {
    const blob = this.blob(digest.sha256);
    const stored = await linkOnce(file, blob);
    // nothing writes a slide file once stored; a stray write through a slide's link would change every batch's copy
    if (stored) await chmod(blob, 0o444);
    const heads = path.join(this.area.heads, `${digest.size}-${digest.head}`);
    await mkdir(heads, { recursive: true });
    await writeFile(path.join(heads, digest.sha256), '');
    return { stored };
  }

  /**
   * The slide made of these files, as a path the workers open: one folder per distinct set of
   * names and contents (slides/<digest>/), its files hard links to the content. `top` is the
   * slide's entry in it: the file, the DICOM folder, or the .mrxs beside its data folder.
   * Refuses content that was never stored.
   */
  async assemble(files: readonly SlideFile[], top: string): Promise<string> {
    const listing = files.map((f) => `${f.path}\t${f.sha256}\n`).sort().join('');
    const dir = path.join(this.area.slides, createHash('sha256').update(listing).digest('hex'));
    if (!(await exists(dir))) {
      const temp = path.join(this.area.slides, `.assembling-${randomUUID()}`);
      try {
        for (const f of files) {
          const to = path.join(temp, f.path);
          await mkdir(path.dirname(to), { recursive: true });
          await linkOnce(this.blob(f.sha256), to);
        }
        await rename(temp, dir);
      } catch (err) {
        // another request assembled the same slide first: theirs is identical
        if (!['ENOTEMPTY', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? '') || !(await exists(dir))) throw err;
      } finally {
        await rm(temp, { recursive: true, force: true });
      }
    }
    return path.join(dir, top);
  }
}
