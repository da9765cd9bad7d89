// One section of `npm run soak` (issue 14): each part of the soak (hostile corpus, faults, load,
// concurrency, security) is a module exporting `run(): Promise<SoakSection>`, runnable alone too.
// bench/soak.ts prints every section as one table.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface SoakRow {
  /** what was tried: "hostile .tif (analyze)", "Redis restarted mid-batch", "GET /scores 100 conns" */
  item: string;
  /** the verdict in words: "0 crashes, 60 typed errors", "complete, scores identical", "p50 4 ms p99 31 ms" */
  outcome: string;
  /** figures behind it, printed as they are: { files: 205, crashes: 0, recoverS: 3.1 } */
  figures?: Record<string, number | string>;
  /** false when the invariant this row checks does not hold; soak exits 1 if any row fails */
  ok: boolean;
}

export interface SoakSection {
  title: string;
  rows: SoakRow[];
}

/** Runs a section and prints its rows when its file is the script node was started with. */
export async function runWhenMain(moduleUrl: string, run: () => Promise<SoakSection>): Promise<void> {
  if (!process.argv[1] || path.resolve(process.argv[1]) !== fileURLToPath(moduleUrl)) return;
  const section = await run();
  console.log(section.title);
  for (const r of section.rows) console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.item}: ${r.outcome}${r.figures ? ` ${JSON.stringify(r.figures)}` : ''}`);
  process.exitCode = section.rows.every((r) => r.ok) ? 0 : 1;
}
