import type { Command } from 'commander';
import { openAsBlob } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { apiJson, apiTarget, type ApiTarget } from '../api/client.js';
import { followBatch } from '../api/follow-batch.js';
import type { BatchJson } from '../api/schemas.js';
import { MetadataError } from '../errors/index.js';
import { Manifest } from '../domain/manifest.js';
import { SlideMetadata } from '../domain/slide.js';
import { addApiOptions, batchTable, type ApiCliOptions } from './status-command.js';

interface SubmitOptions extends ApiCliOptions {
  patient?: string;
  timepoint?: string;
  marker?: string;
  mpp?: string;
  params?: string;
  wait: boolean;
}

async function readJson(file: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new MetadataError(`${what} ${file} is not readable JSON: ${(err as Error).message}`);
  }
}

/** A manifest's entries go as they are: the server resolves each `file` under its SLIDES_ROOT. */
async function manifestBody(file: string, params: unknown) {
  const parsed = Manifest.safeParse(await readJson(file, 'manifest'));
  if (!parsed.success) {
    throw new MetadataError(`manifest ${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  // ground truth is for local evaluation only; the API does not take it
  const slides = parsed.data.slides.map(({ truth: _truth, ...entry }) => entry);
  return JSON.stringify({ slides, ...(params === undefined ? {} : { params }) });
}

/** The files of a folder slide, sorted; refused when there are none. */
async function folderFiles(folder: string): Promise<string[]> {
  const files = (await readdir(folder, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name).sort();
  if (files.length === 0) throw new MetadataError(`slide folder ${folder} holds no files (a folder slide is a DICOM series, one file per level)`);
  return files;
}

const isFolder = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);

/**
 * The multipart form of an upload. A slide that is a folder (a DICOM WSI series) goes as its files,
 * each named "folder/file", which the server keeps together as one slide; an MRXS goes with its
 * data folder (the folder beside it named as the file without ".mrxs"), which is part of that slide.
 */
export async function uploadForm(inputs: string[], metadata: SlideMetadata, params: unknown): Promise<FormData> {
  const parts = new Map<string, string>();
  const slides: string[] = [];
  for (const input of inputs) {
    const name = path.basename(path.resolve(input));
    if (await isFolder(input)) {
      for (const file of await folderFiles(input)) parts.set(`${name}/${file}`, path.join(input, file));
      slides.push(name);
      continue;
    }
    parts.set(name, input);
    slides.push(name);
    const data = /\.mrxs$/i.test(input) ? input.slice(0, -'.mrxs'.length) : null;
    if (data !== null && (await isFolder(data))) for (const file of await folderFiles(data)) parts.set(`${path.basename(data)}/${file}`, path.join(data, file));
  }
  const form = new FormData();
  const entries = slides.filter((s) => !slides.some((o) => o.toLowerCase() === `${s.toLowerCase()}.mrxs`));
  form.append('metadata', JSON.stringify({ slides: entries.map((file) => ({ file, ...metadata })), ...(params === undefined ? {} : { params }) }));
  for (const [name, local] of parts) {
    let blob: Blob;
    try {
      blob = await openAsBlob(local);
    } catch (err) {
      throw new MetadataError(`cannot read slide ${local}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    form.append('file', blob, name);
  }
  return form;
}

/** One bar per slide on a terminal; elsewhere one line per slide status change. */
async function watch(target: ApiTarget, batchId: number): Promise<BatchJson> {
  const tty = process.stderr.isTTY === true;
  const bars = new cliProgress.MultiBar(
    { format: ' {bar} {value}/{total} tiles  {name}  {status}', hideCursor: true, clearOnComplete: false, stopOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const shown = new Map<number, cliProgress.SingleBar>();
  const lastStatus = new Map<number, string>();
  try {
    return await followBatch(target, batchId, (b) => {
      for (const s of b.slides) {
        const payload = { name: path.basename(s.path), status: s.error ? `${s.status}: ${s.error}` : s.status };
        if (tty) {
          const bar = shown.get(s.id) ?? bars.create(Math.max(1, s.tilesTotal ?? 1), 0, payload);
          shown.set(s.id, bar);
          bar.setTotal(Math.max(1, s.tilesTotal ?? 1));
          bar.update(s.tilesDone, payload);
        } else if (lastStatus.get(s.id) !== s.status) {
          lastStatus.set(s.id, s.status);
          process.stderr.write(`${payload.name}: ${payload.status} (${s.tilesDone}/${s.tilesTotal ?? '?'} tiles)\n`);
        }
      }
    });
  } finally {
    bars.stop();
  }
}

export function registerSubmit(program: Command): void {
  const cmd = program
    .command('submit')
    .description(
      'submit a batch to a running `serve`: a manifest.json (files relative to the server\'s SLIDES_ROOT) or slide files and DICOM series folders to upload; ' +
        'shows progress per slide until the batch ends; exits 1 if any slide failed',
    )
    .argument('<inputs...>', 'one manifest.json, or slide files and DICOM series folders')
    .option('--patient <id>', 'pseudonymised patient id (uploaded files)')
    .option('--timepoint <t>', 'biopsy timepoint (uploaded files)')
    .option('--marker <m>', 'stain/marker (uploaded files)')
    .option('--mpp <µm/px>', 'pixel size for uploaded files that do not state one')
    .option('--params <file>', 'analysis parameters as JSON (defaults otherwise)')
    .option('--no-wait', 'print the batch id and return at once');
  addApiOptions(cmd).action(async (inputs: string[], o: SubmitOptions) => {
    const target = apiTarget(o);
    const params = o.params === undefined ? undefined : await readJson(o.params, 'parameters');
    const manifests = inputs.filter((f) => f.toLowerCase().endsWith('.json'));
    let submitted: { batchId: number; slides: number };
    if (manifests.length > 0) {
      if (inputs.length > 1) throw new MetadataError('give one manifest.json, or slide files to upload, not both');
      submitted = await apiJson(target, '/batches', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: await manifestBody(manifests[0], params),
      });
    } else {
      const meta = SlideMetadata.safeParse({ patient: o.patient, timepoint: o.timepoint, marker: o.marker, mpp: o.mpp === undefined ? undefined : Number(o.mpp) });
      if (!meta.success) throw new MetadataError(`bad slide metadata: ${meta.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`);
      submitted = await apiJson(target, '/batches/upload', { method: 'POST', body: await uploadForm(inputs, meta.data, params) });
    }
    if (!o.wait) {
      process.stdout.write(`${submitted.batchId}\n`);
      return;
    }
    process.stderr.write(`batch ${submitted.batchId}: ${submitted.slides} slide(s) submitted\n`);
    const final = await watch(target, submitted.batchId);
    process.stdout.write(`${batchTable(final)}\n`);
    if (final.slides.some((s) => s.status === 'failed')) process.exitCode = 1;
  });
}
