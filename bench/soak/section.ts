// One section of `npm run soak` (issue 14): each part of the soak (hostile corpus, faults, load,
// concurrency, security) is a module exporting `run(): Promise<SoakSection>`, runnable alone too.
// bench/soak.ts prints every section as one table.

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
