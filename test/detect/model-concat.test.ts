import { describe, expect, it } from 'vitest';
import { initModelBackend, tf } from '../../src/detect/model-backend.js';
import { concatInner } from '../../src/detect/model-concat.js';

describe('concatenation on the wasm backend (the U-Net skips)', () => {
  it("concatInner lays each outer index's parts side by side", () => {
    const out = new Float32Array(10);
    concatInner([Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6, 7, 8, 9, 10)], [2, 3], 2, out);
    expect(Array.from(out)).toEqual([1, 2, 5, 6, 7, 3, 4, 8, 9, 10]);
  });

  it('the registered kernel gives what tfjs concat means, on the channel axis and others, and keeps the backend kernel for other dtypes', async () => {
    expect(await initModelBackend('wasm')).toBe('wasm');
    expect((tf.getKernel('Concat', 'wasm') as unknown as { fast?: boolean }).fast).toBe(true);
    const a = tf.randomNormal([2, 9, 7, 8], 0, 1, 'float32', 1);
    const b = tf.randomNormal([2, 9, 7, 16], 0, 1, 'float32', 2);
    const c = tf.concat([a, b], 3);
    expect(c.shape).toEqual([2, 9, 7, 24]);
    const av = a.arraySync() as number[][][][];
    const bv = b.arraySync() as number[][][][];
    expect(c.arraySync()).toEqual(av.map((p, i) => p.map((r, y) => r.map((px, x) => [...px, ...bv[i][y][x]]))));
    // another axis, with enough outer indices (80) for the plain loop
    const e = tf.randomNormal([80, 3, 2, 2], 0, 1, 'float32', 3);
    const f = tf.randomNormal([80, 1, 2, 2], 0, 1, 'float32', 4);
    const d = tf.concat([e, f], 1);
    expect(d.shape).toEqual([80, 4, 2, 2]);
    const ev = e.arraySync() as number[][][][];
    const fv = f.arraySync() as number[][][][];
    expect(d.arraySync()).toEqual(ev.map((p, i) => [...p, ...fv[i]]));
    const ints = tf.concat([tf.tensor1d([1, 2], 'int32'), tf.tensor1d([3], 'int32')]);
    expect(Array.from(ints.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([a, b, c, d, e, f, ints]);
  });
});
