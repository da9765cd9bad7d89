import type * as tfTypes from '@tensorflow/tfjs';

interface WasmBackendLike {
  typedArrayFromHeap(t: tfTypes.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): tfTypes.TensorInfo;
}

type KernelFunc = (params: { inputs: tfTypes.TensorInfo[]; backend: unknown; attrs?: Record<string, unknown> }) => tfTypes.TensorInfo;

/**
 * Concatenation of `parts` (row-major, `inner[i]` values per outer index each) into `out`.
 */
export function concatInner(parts: readonly Float32Array[], inner: readonly number[], outer: number, out: Float32Array): void {
  let o = 0;
  for (let b = 0; b < outer; b++) {
    for (let i = 0; i < parts.length; i++) {
      const src = parts[i];
      const n = inner[i];
      for (let k = 0, s = b * n; k < n; k++) out[o++] = src[s + k];
    }
  }
}

/**
 * The wasm backend's Concat copies each outer index with a subarray and a set: along the channel
 * axis of a U-Net skip that is one pair per pixel of 8–16 floats, a quarter of a prediction's
 * time (1.0 s of 3.7 s of convolutions on a 1100² plane). This copies with a plain loop; other
 * dtypes, empty parts and short outer runs go to the backend's own kernel. The same values move,
 * so the output is the same to the bit.
 */
export function registerFastConcat(tf: typeof tfTypes): void {
  const name = 'Concat';
  const own = tf.getKernel(name, 'wasm');
  if (!own || (own as { fast?: boolean }).fast) return;
  const ownFunc = own.kernelFunc as unknown as KernelFunc;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    fast: true,
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as { inputs: tfTypes.TensorInfo[]; backend: unknown; attrs: { axis: number | number[] } };
      const parts = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
      if (parts.length < 2 || inputs.some((t) => t.dtype !== 'float32')) return ownFunc(args as unknown as Parameters<KernelFunc>[0]);
      const axis = tf.util.parseAxisParam(attrs.axis, inputs[0].shape)[0];
      const outer = tf.util.sizeFromShape(parts[0].shape.slice(0, axis));
      if (outer < 64) return ownFunc(args as unknown as Parameters<KernelFunc>[0]);
      tf.backend_util.assertParamsConsistent(inputs.map((t) => t.shape), axis);
      const be = backend as WasmBackendLike;
      const out = be.makeOutput(tf.backend_util.computeOutShape(inputs.map((t) => t.shape), axis), 'float32');
      // heap views taken after makeOutput, which may grow (and so detach) the heap
      concatInner(parts.map((t) => be.typedArrayFromHeap(t)), parts.map((t) => tf.util.sizeFromShape(t.shape.slice(axis))), outer, be.typedArrayFromHeap(out));
      return out;
    },
  } as tfTypes.KernelConfig);
}
