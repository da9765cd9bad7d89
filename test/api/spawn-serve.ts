import { spawn, type ChildProcess } from 'node:child_process';

/**
 * `biopsy-quant serve --port 0` in a process of its own, in `cwd` with `env` over this process's.
 * The child comes back at once (so a test can stop it whatever happens); `listening` resolves to
 * the address it prints, and rejects with its stderr when it exits first or is not up in 60 s.
 */
export function spawnServe(bin: string, cwd: string, env: Record<string, string>): { child: ChildProcess; listening: Promise<string> } {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const listening = new Promise<string>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start in 60 s: ${stderr}`)), 60_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code ?? signal}): ${stderr}`));
    });
  });
  return { child, listening };
}
