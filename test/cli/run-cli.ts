import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/biopsy-quant.js');

/** Runs the CLI in `cwd` on the embedded store under `dataDir` (DATABASE_URL unset); never throws on a non-zero exit. */
export async function runCli(args: string[], opts: { cwd: string; dataDir: string }): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, DATA_DIR: opts.dataDir, DATABASE_URL: '' };
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env, cwd: opts.cwd, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
