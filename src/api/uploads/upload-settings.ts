import { mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { UPLOAD_DEFAULTS, type Config, type UploadConfig } from '../../runtime/config.js';

/** Bytes at the start of a file whose hash, with the size, finds a likely duplicate before the upload ends. */
export const HEAD_BYTES = 8 * 1024 ** 2;

export interface UploadSettings {
  /** the upload folder (UPLOAD_DIR, or SLIDES_ROOT/uploads), as configured */
  dir: string;
  maxFileBytes: number;
  maxTotalBytes: number;
  minFreeBytes: number;
  expireMs: number;
  chunkBytes: number;
  headBytes: number;
}

/** The upload settings of a server's configuration, each at its default when not given. */
export function uploadSettings(config: Pick<Config, 'SLIDES_ROOT'> & Partial<UploadConfig>): UploadSettings {
  const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as Partial<UploadConfig>;
  const c = { ...UPLOAD_DEFAULTS, ...given };
  return {
    dir: c.UPLOAD_DIR ?? path.join(config.SLIDES_ROOT, 'uploads'),
    maxFileBytes: c.UPLOAD_MAX_FILE_BYTES,
    maxTotalBytes: c.UPLOAD_MAX_TOTAL_BYTES,
    minFreeBytes: c.UPLOAD_MIN_FREE_BYTES,
    expireMs: Math.round(c.UPLOAD_EXPIRE_HOURS * 3_600_000),
    chunkBytes: c.UPLOAD_CHUNK_BYTES,
    headBytes: HEAD_BYTES,
  };
}

/** The folders of the upload area, all on one file system so that content is renamed and hard-linked, never copied. */
export interface UploadArea {
  /** the real path of the upload folder */
  root: string;
  /** tus uploads in progress: <id> and <id>.json */
  partial: string;
  /** verified content, one file per distinct SHA-256: content/<sha256> */
  content: string;
  /** heads/<size>-<sha256 of the first HEAD_BYTES>/<sha256>: finds likely duplicates by their first bytes */
  heads: string;
  /** slides assembled from content: slides/<digest of names and hashes>/<file or folder> */
  slides: string;
}

/** Creates the upload folders when missing and answers their real paths (workers get real paths). */
export async function openUploadArea(dir: string): Promise<UploadArea> {
  await mkdir(dir, { recursive: true });
  const root = await realpath(dir);
  const area = { root, partial: path.join(root, 'partial'), content: path.join(root, 'content'), heads: path.join(root, 'heads'), slides: path.join(root, 'slides') };
  await Promise.all([area.partial, area.content, area.heads, area.slides].map((d) => mkdir(d, { recursive: true })));
  return area;
}
