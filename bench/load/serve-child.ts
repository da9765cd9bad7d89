// The API process of the load bench: exactly `biopsy-quant serve` (the same command, store, queue
// and routes), forked with an IPC channel and --expose-gc so the bench can ask it for its own
// memory (RSS and V8 heap, after a full GC when asked): figures no outside reader can give.
import { Command } from 'commander';
import { registerServe } from '../../src/cli/serve-command.js';

export interface MemoryRequest {
  type: 'memory';
  gc: boolean;
}
export interface MemoryReply {
  type: 'memory';
  rssBytes: number;
  heapUsedBytes: number;
  /** memory of Buffers and other objects outside the V8 heap that V8 tracks */
  externalBytes: number;
}

process.on('message', (m: MemoryRequest) => {
  if (m?.type !== 'memory') return;
  // two passes: the first may only queue finalizers that free more on the second
  if (m.gc && globalThis.gc) {
    globalThis.gc();
    globalThis.gc();
  }
  const u = process.memoryUsage();
  const reply: MemoryReply = { type: 'memory', rssBytes: u.rss, heapUsedBytes: u.heapUsed, externalBytes: u.external };
  process.send?.(reply);
});

const program = new Command();
registerServe(program);
await program.parseAsync([process.argv[0], 'biopsy-quant', 'serve', '--port', '0']);
