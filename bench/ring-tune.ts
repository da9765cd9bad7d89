// Tuning aid for AnalysisParams.ringUpperFraction: H-score found vs planted on lab-realism slides of tuning seeds (< 100),
// membrane and cytoplasm markers, F=<fraction> laid over every marker (e.g. F=0.3 npx tsx bench/ring-tune.ts).
import { evaluateLabRealism, labRealismCases } from '../src/eval/lab-realism.js';
import { threadPoolExecutor } from '../src/pipeline/executor.js';
const f = Number(process.env.F ?? 1);
const base = Number(process.env.BASE ?? 10);
const rounds = Number(process.env.ROUNDS ?? 2);
const only = (process.env.ONLY ?? 'CD3,CD4,CD8,CD45,CD68,IL-1a,IL-1b,IL-1Ra').split(',');
const cases = labRealismCases(base, rounds).filter((c) => only.includes(c.marker) && !c.force && c.seed < 100);
const executor = threadPoolExecutor({ threads: 2 });
const t0 = Date.now();
const rows = await evaluateLabRealism(cases, { executor, params: f < 1 ? { ringUpperFraction: f } : {} });
for (const r of rows) console.log(`F=${f} ${r.kind} ${r.marker} seed ${r.seed} ${r.format} q${r.lab.jpegQuality} H ${r.hScore?.truth.toFixed(1)}/${r.hScore?.found.toFixed(1)} err ${(r.hScore ? r.hScore.found - r.hScore.truth : NaN).toFixed(1)} ${r.error ?? ''}${r.allExcluded ? 'ALLEXCL' : ''}`);
console.log(`F=${f} done ${(Date.now() - t0) / 1000}s`);
await executor.close();
