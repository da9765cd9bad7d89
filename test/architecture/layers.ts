import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The layers of the code, lowest first (README "Architecture"). A file may import its own folder
 * and any folder listed before its own, never one listed after it, so no two folders import each
 * other. `scripts/` (build tools: the wasm module), `bench/` and `test/` sit above everything, and
 * only tests import scripts.
 */
export const LAYERS: readonly string[] = [
  'src/errors',
  'src/domain',
  'src/runtime',
  'src/image',
  'src/slide',
  'src/stain',
  'src/detect',
  'src/score',
  'src/store',
  'src/pipeline',
  'src/queue',
  'src/cohort',
  'src/synthetic',
  'src/eval',
  'src/train',
  'src/demo',
  'workers',
  'src/service',
  'src/web',
  'src/api',
  'src/cli',
  'bin',
  'scripts',
  'bench',
  'test',
];

export interface ImportEdge {
  from: string;
  to: string;
  fromLayer: string;
  toLayer: string;
}

const SOURCE = /\.(ts|mts|js|mjs)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'node_modules' ? [] : filesUnder(p);
    return SOURCE.test(name) ? [p] : [];
  });
}

/** The layer a repository-relative path belongs to (the longest matching folder), or undefined. */
export function layerOf(rel: string): string | undefined {
  return [...LAYERS].sort((a, b) => b.length - a.length).find((l) => rel === l || rel.startsWith(`${l}/`));
}

/** Every relative import (static, dynamic, `new URL('./x', import.meta.url)` workers) of the layered folders. */
export function importEdges(root: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const layer of LAYERS) {
    const dir = path.join(root, layer);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    for (const file of filesUnder(dir)) {
      const text = readFileSync(file, 'utf8');
      const specs = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
      for (const m of text.matchAll(/new URL\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*,\s*import\.meta\.url/g)) specs.push(m[1]);
      for (const spec of specs) {
        if (!spec.startsWith('.')) continue;
        const from = path.relative(root, file);
        const to = path.relative(root, path.resolve(path.dirname(file), spec));
        // data folders (models/, slides/, the viewer's static files) are read, not imported
        if (!SOURCE.test(to)) continue;
        edges.push({ from, to, fromLayer: layerOf(from) ?? '(none)', toLayer: layerOf(to) ?? '(none)' });
      }
    }
  }
  return edges;
}

/** Imports that go up (or sideways into an unlisted folder): each breaks the layering. */
export function upwardImports(edges: readonly ImportEdge[]): ImportEdge[] {
  return edges.filter((e) => {
    const a = LAYERS.indexOf(e.fromLayer);
    const b = LAYERS.indexOf(e.toLayer);
    return b < 0 || a < 0 || b > a;
  });
}
