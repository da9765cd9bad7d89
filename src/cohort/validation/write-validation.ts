import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ValidationBundle } from './validation-bundle.js';

/** Writes each figure as its own SVG file and the report as report.html in `dir`; returns the report's path. */
export async function writeValidation(bundle: ValidationBundle, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const p of bundle.plots) await writeFile(path.join(dir, p.file), p.svg);
  const report = path.join(dir, 'report.html');
  await writeFile(report, bundle.html);
  return report;
}
