import v8 from 'node:v8';

let set = false;

/**
 * Hot loops compiled on the thread that runs them (V8's --no-concurrent-osr). The flag is the
 * process's; each thread that analyses sets it once. A tile's stages are long loops in functions
 * called once per tile, so each loop starts in the interpreter until on-stack replacement swaps in
 * optimised code. By default that code is compiled on a background thread, which, where the tile
 * threads already fill every core, waits for one while the loop goes on interpreted: a cold
 * thread's fibre segmentation ran ~9 % longer so. Measured on the bench's 10 000² MHC-I section,
 * 2 threads on 2 cores, runs taking turns (issue 13): set at process start, muscle analysis
 * 28.9 / 29.8 → 26.5 / 26.3 s and cell pipeline 11.6 / 12.1 → 11.2 / 11.4 s; set here,
 * muscle 30.4 / 30.7 → 28.6 / 29.3 s.
 *
 * V8 reads this flag when it finds a loop hot, so setting it while running is safe; the GC's
 * thread flags (e.g. --single-threaded-gc, worth another ~7 % here) are read when a heap is made,
 * and V8 aborts if they change under a live one, so they are left to the command line.
 */
export function compileHotLoopsInline(): void {
  if (set) return;
  set = true;
  v8.setFlagsFromString('--no-concurrent-osr');
}
