import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerFastConcat } from './model-concat.js';

export { tf };

let ready: Promise<string> | undefined;

/**
 * Picks the tfjs backend once per process: tfjs-node when it is already installed (never
 * installed by us: it downloads native binaries), else wasm with the .wasm files read from the
 * installed npm package (no download at run time). `prefer: 'wasm'` skips tfjs-node, for tests
 * and training that must run on the shipped backend.
 */
export function initModelBackend(prefer: 'auto' | 'wasm' = 'auto'): Promise<string> {
  ready ??= pick(prefer);
  return ready;
}

async function pick(prefer: 'auto' | 'wasm'): Promise<string> {
  if (prefer === 'auto') {
    try {
      const nodeBackend = '@tensorflow/tfjs-node';
      await import(nodeBackend);
      if (await tf.setBackend('tensorflow')) return 'tensorflow';
    } catch {
      // not installed: fall through to wasm
    }
  }
  const require = createRequire(import.meta.url);
  // tfjs-backend-wasm's "main" is dist/tf-backend-wasm.node.js; the .wasm files sit beside it
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  setWasmPaths(`${dist}/`);
  if (!(await tf.setBackend('wasm'))) throw new Error(`tfjs wasm backend failed to start (wasm files looked for in ${dist})`);
  await tf.ready();
  registerFastConcat(tf);
  return 'wasm';
}
