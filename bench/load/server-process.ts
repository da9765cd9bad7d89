import { fork, type ChildProcess } from 'node:child_process';
import type { MemoryReply, MemoryRequest } from './serve-child.js';

export interface ServerMemory {
  rssBytes: number;
  heapUsedBytes: number;
  externalBytes: number;
}

/** The API under load: a process of its own, so the load generator never shares its event loop. */
export interface LoadServer {
  url: string;
  pid: number;
  /** the server's own memory; `gc` first runs a full collection in it */
  memory(gc: boolean): Promise<ServerMemory>;
  stop(): Promise<void>;
}

const CHILD = new URL('./serve-child.ts', import.meta.url);

export function startLoadServer(env: Record<string, string>): Promise<LoadServer> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(CHILD, [], {
      env: { ...process.env, ...env },
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the API did not start in 60 s: ${stderr}`));
    }, 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the API exited (${code ?? signal}) before it listened: ${stderr}`));
    });
    child.stderr!.on('data', (d: Buffer) => {
      // keep only the tail: a server that logs every request must not grow this process
      stderr = (stderr + d.toString()).slice(-20_000);
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (!m || !child.pid) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({
        url: m[1],
        pid: child.pid,
        memory: (gc) =>
          new Promise<ServerMemory>((ok, fail) => {
            const onMessage = (r: MemoryReply) => {
              if (r?.type !== 'memory') return;
              child.off('message', onMessage);
              ok({ rssBytes: r.rssBytes, heapUsedBytes: r.heapUsedBytes, externalBytes: r.externalBytes });
            };
            child.on('message', onMessage);
            const request: MemoryRequest = { type: 'memory', gc };
            if (!child.send(request)) fail(new Error('the API process is gone'));
          }),
        stop: () => stop(child),
      });
    });
  });
}

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * SIGTERM (serve drains and exits), SIGKILL after 5 s. Done on 'exit' or once the pid is gone:
 * on this machine the 'exit' event of a forked child was now and then never delivered.
 */
function stop(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    const poll = setInterval(() => gone(pid) && done(), 100);
    function done() {
      clearTimeout(kill);
      clearInterval(poll);
      resolve();
    }
    child.once('exit', done);
    child.kill('SIGTERM');
  });
}
