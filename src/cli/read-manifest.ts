import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MetadataError } from '../errors/index.js';
import { Manifest } from '../domain/manifest.js';

export interface ResolvedEntry {
  path: string;
  metadata: { patient?: string; timepoint?: string; marker?: string; mpp?: number };
  truthPath?: string;
}

export async function readManifest(file: string): Promise<ResolvedEntry[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new MetadataError(`manifest ${file} is not readable JSON: ${(err as Error).message}`);
  }
  const parsed = Manifest.safeParse(json);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new MetadataError(`manifest ${file} is invalid: ${detail}`);
  }
  const dir = path.dirname(file);
  return parsed.data.slides.map(({ file: f, truth, ...metadata }) => ({
    path: path.resolve(dir, f),
    metadata,
    truthPath: truth ? path.resolve(dir, truth) : undefined,
  }));
}
