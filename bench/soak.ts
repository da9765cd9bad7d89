// npm run soak — issue 14: everything the service must hold up under, as one table. Each section
// (bench/soak/*.ts) builds its own world (temporary folders, a private PostgreSQL schema and Redis
// prefix, worker processes) and checks its invariants; a row that does not hold is marked FAIL and
// the command exits 1. SOAK_ONLY=hostile,faults runs only those sections.
import Table from 'cli-table3';
import type { SoakSection } from './soak/section.js';

const SECTIONS = ['hostile', 'hostile-service', 'faults', 'concurrency', 'load', 'security'] as const;
const only = process.env.SOAK_ONLY?.split(',').map((s) => s.trim());

const table = new Table({ head: ['section', 'what', 'outcome', 'figures', 'holds'], style: { head: [], border: [] }, colWidths: [18, 38, 60, 40, 7], wordWrap: true });
let failed = 0;
for (const name of SECTIONS) {
  if (only && !only.includes(name)) continue;
  const started = performance.now();
  let section: SoakSection;
  try {
    const mod = (await import(`./soak/${name}.ts`)) as { run(): Promise<SoakSection> };
    section = await mod.run();
  } catch (err) {
    section = { title: name, rows: [{ item: 'the section itself', outcome: `did not run: ${(err as Error).message}`, ok: false }] };
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.error(`${name}: ${section.rows.length} rows in ${seconds} s`);
  for (const [i, r] of section.rows.entries()) {
    if (!r.ok) failed++;
    const figures = r.figures ? Object.entries(r.figures).map(([k, v]) => `${k} ${v}`).join(', ') : '';
    table.push([i === 0 ? `${section.title} (${seconds} s)` : '', r.item, r.outcome, figures, r.ok ? 'yes' : 'NO']);
  }
}
console.log(table.toString());
console.log(failed === 0 ? 'every invariant holds' : `${failed} row(s) do not hold`);
process.exitCode = failed === 0 ? 0 : 1;
