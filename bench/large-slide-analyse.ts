// One slide through the embedded pipeline in this process (worker threads, default parameters),
// for bench/large-slide-rss.ts: prints one JSON line with the time, tiles, cells and this
// process' peak RSS (main thread and workers together).
//   npx tsx bench/large-slide-analyse.ts <slide> <mpp>
import { resolveParams } from '../src/domain/params.js';
import { analyseSlide } from '../src/pipeline/analyse-slide.js';
import { threadPoolExecutor } from '../src/pipeline/executor.js';

const [file, mpp] = process.argv.slice(2);
if (!file || !(Number(mpp) > 0)) throw new Error('usage: bench/large-slide-analyse.ts <slide> <mpp>');
const executor = threadPoolExecutor({ threads: Number(process.env.BENCH_THREADS ?? 2) });
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const outcome = await analyseSlide({ path: file, metadata: { mpp: Number(mpp) }, params: resolveParams({}), executor });
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
await executor.close();
if (!outcome.ok) throw new Error(outcome.error);
console.log(JSON.stringify({ seconds, tiles: outcome.provenance.tiles, cells: outcome.scores.cells, peakRss: process.resourceUsage().maxRSS * 1024, cpuS: (cpu.user + cpu.system) / 1e6 }));
