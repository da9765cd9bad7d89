import type { Command } from 'commander';
import path from 'node:path';
import Table from 'cli-table3';
import { apiJson, apiTarget } from '../api/client.js';
import type { BatchJson } from '../api/schemas.js';
import { MetadataError } from '../errors/index.js';

export interface ApiCliOptions {
  url?: string;
  token?: string;
}

export function addApiOptions(cmd: Command): Command {
  return cmd
    .option('--url <url>', 'API base URL (default $BQ_URL or http://127.0.0.1:8080)')
    .option('--token <token>', 'API token (default $BQ_TOKEN)');
}

/** One row per slide: its status, tiles done and, for a failed slide, the error. */
export function batchTable(b: BatchJson): string {
  const table = new Table({ head: ['slide', 'status', 'tiles', 'analysis', 'error'], style: { head: [], border: [] }, wordWrap: true });
  for (const s of b.slides) {
    table.push([path.basename(s.path), s.status, `${s.tilesDone}/${s.tilesTotal ?? '?'}`, s.analysisId ?? '', s.error ? `${s.code ?? ''} ${s.error}`.trim() : '']);
  }
  return `batch ${b.id}: ${b.status} (created ${b.createdAt} by ${b.createdBy})\n${table.toString()}`;
}

export function parseBatchId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0) throw new MetadataError(`batch id must be a positive whole number, got "${text}"`);
  return id;
}

export function registerStatus(program: Command): void {
  const cmd = program
    .command('status')
    .description("a batch's status with per-slide progress and errors (from a running `serve`)")
    .argument('<batch>', 'batch id')
    .option('--json', 'print the batch as JSON');
  addApiOptions(cmd).action(async (batch: string, o: ApiCliOptions & { json?: boolean }) => {
    const b = await apiJson<BatchJson>(apiTarget(o), `/batches/${parseBatchId(batch)}`);
    process.stdout.write(o.json ? `${JSON.stringify(b, null, 2)}\n` : `${batchTable(b)}\n`);
  });
}
