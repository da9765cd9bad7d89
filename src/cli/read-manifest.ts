import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { MetadataError } from '../errors/index.js';
import { ManifestEntry } from '../domain/manifest.js';

export interface ResolvedEntry {
  path: string;
  metadata: { patient?: string; timepoint?: string; marker?: string; mpp?: number };
  truthPath?: string;
}

/** An entry whose metadata is refused: that slide fails with this message, the rest go on. */
export interface RefusedEntry {
  path: string;
  error: string;
}

const Envelope = z.object({ slides: z.array(z.unknown()).min(1) });

const detailOf = (issues: z.core.$ZodIssue[], under: (string | number)[] = []) => issues.map((i) => `${[...under, ...i.path].join('.') || '(root)'}: ${i.message}`).join('; ');

/**
 * A manifest's slides, each checked on its own: one entry with a bad µm/px or patient id is a
 * refused entry (its slide fails alone, as a bad file would), not a refused batch. A manifest
 * that is not JSON or has no slide list is refused whole.
 */
export async function readManifestEntries(file: string): Promise<(ResolvedEntry | RefusedEntry)[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new MetadataError(`manifest ${file} is not readable JSON: ${(err as Error).message}`);
  }
  const envelope = Envelope.safeParse(json);
  if (!envelope.success) throw new MetadataError(`manifest ${file} is invalid: ${detailOf(envelope.error.issues)}`);
  const dir = path.dirname(file);
  return envelope.data.slides.map((raw, i) => {
    const parsed = ManifestEntry.safeParse(raw);
    if (!parsed.success) {
      const named = (raw as { file?: unknown } | null)?.file;
      const where = typeof named === 'string' && named ? path.resolve(dir, named) : `${file} slide ${i + 1}`;
      return { path: where, error: `${where}: bad metadata in manifest ${file}: ${detailOf(parsed.error.issues, ['slides', i])}` };
    }
    const { file: f, truth, ...metadata } = parsed.data;
    return { path: path.resolve(dir, f), metadata, truthPath: truth ? path.resolve(dir, truth) : undefined };
  });
}

/** Every entry valid, or the manifest refused naming each bad one (the shipped demo manifest). */
export async function readManifest(file: string): Promise<ResolvedEntry[]> {
  const entries = await readManifestEntries(file);
  const refused = entries.filter((e): e is RefusedEntry => 'error' in e);
  if (refused.length) throw new MetadataError(`manifest ${file} is invalid: ${refused.map((r) => r.error).join('; ')}`);
  return entries as ResolvedEntry[];
}
