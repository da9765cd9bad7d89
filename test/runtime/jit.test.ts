import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** How V8 compiled the hot loop of a fresh process that first ran `before` (an ES module body). */
function osrModes(before: string): string[] {
  const script = `${before}
function hot(n) { let s = 0; for (let i = 0; i < n; i++) s = (s + i * 7) % 1000003; return s; }
console.log('sum', hot(30_000_000));`;
  const r = spawnSync(process.execPath, ['--trace-opt', '--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toContain('sum ');
  return [...r.stdout.matchAll(/compiling method .*<JSFunction hot .*OSR, mode: ConcurrencyMode::(k\w+)/g)].map((m) => m[1]);
}

describe('hot loops compiled inline (runtime/jit.ts)', () => {
  it('a hot loop is replaced on its own thread once set, on a background thread before', () => {
    expect(osrModes('')).toEqual(['kConcurrent']);
    expect(osrModes(`const { compileHotLoopsInline } = await import('./src/runtime/jit.ts'); compileHotLoopsInline();`)).toEqual(['kSynchronous']);
  });

  it('the tile processor sets it before its first tile, even for a job it refuses', () => {
    const modes = osrModes(`const { analyseTileBatch } = await import('./src/pipeline/analyse-tile-batch.ts'); await analyseTileBatch({ not: 'a job' }).catch(() => {});`);
    expect(modes).toEqual(['kSynchronous']);
  });
});
