import type * as tfTypes from '@tensorflow/tfjs';

interface WasmBackendLike {
  typedArrayFromHeap(t: tfTypes.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): tfTypes.TensorInfo;
  disposeData(dataId: object): boolean;
}

type KernelFunc = (params: { inputs: Record<string, tfTypes.TensorInfo>; backend: unknown; attrs?: Record<string, unknown> }) => tfTypes.TensorInfo | tfTypes.TensorInfo[];

const NAME = 'Conv2DBackpropInput';

/**
 * W'[kh, kw, co, ci] = W[K−1−kh, K−1−kw, ci, co]: the filter that makes the input gradient of a
 * stride-1 convolution a forward convolution of dy.
 */
export function flipFilter(w: Float32Array, fh: number, fw: number, ci: number, co: number, out: Float32Array): void {
  for (let kh = 0; kh < fh; kh++)
    for (let kw = 0; kw < fw; kw++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[(((fh - 1 - kh) * fw + (fw - 1 - kw)) * co + o) * ci + i] = w[((kh * fw + kw) * ci + i) * co + o];
}

/**
 * The wasm backend's Conv2DBackpropInput is a plain loop (0.23 s of a 0.39 s training step,
 * batch 8 of 64², after the filter gradient was made faster); for a stride-1 convolution with
 * 'same' odd-sized or 'valid' 1×1 filters the input gradient is the forward convolution of dy
 * with the flipped filter, which XNNPACK runs. This swaps that in until the returned function is
 * called, for the fine-tune from corrections only. Nothing promises the two sum in the same
 * order (the 100-step fine-tune of test/train/from-corrections gave the same weights to the bit,
 * nuclei-unet@32f59e27badf, both ways), so the shipped model's training (bench/train-model.ts)
 * keeps the loop it was trained and reproduced with. Any other geometry goes to the plain loop.
 */
export function useXnnpackInputGrad(tf: typeof tfTypes): () => void {
  const plain = tf.getKernel(NAME, 'wasm');
  const conv = tf.getKernel('Conv2D', 'wasm');
  if (!plain || !conv) throw new Error('the wasm backend has no Conv2D or Conv2DBackpropInput kernel');
  const plainFunc = plain.kernelFunc as unknown as KernelFunc;
  const convFunc = conv.kernelFunc as unknown as KernelFunc;
  tf.unregisterKernel(NAME, 'wasm');
  tf.registerKernel({
    kernelName: NAME,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const { inputs, backend, attrs } = args as unknown as { inputs: { dy: tfTypes.TensorInfo; filter: tfTypes.TensorInfo }; backend: unknown; attrs: Record<string, unknown> };
      const a = attrs as { strides: [number, number] | number; pad: 'same' | 'valid' | number | number[][]; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; inputShape: [number, number, number, number] };
      const [fh, fw, ci, co] = inputs.filter.shape as [number, number, number, number];
      const info = tf.backend_util.computeConv2DInfo(a.inputShape, [fh, fw, ci, co], a.strides, 1, a.pad as 'same', a.dimRoundingMode, false, 'channelsLast');
      const pad = info.padInfo;
      const stride1 = info.strideHeight === 1 && info.strideWidth === 1 && a.dataFormat !== 'NCHW';
      const same = fh % 2 === 1 && fw % 2 === 1 && pad.top === (fh - 1) / 2 && pad.bottom === (fh - 1) / 2 && pad.left === (fw - 1) / 2 && pad.right === (fw - 1) / 2;
      const valid1 = fh === 1 && fw === 1 && pad.top === 0 && pad.left === 0 && pad.bottom === 0 && pad.right === 0;
      if (!stride1 || !(same || valid1)) return plainFunc(args as unknown as Parameters<KernelFunc>[0]) as tfTypes.TensorInfo;
      const be = backend as WasmBackendLike;
      const flipped = be.makeOutput([fh, fw, co, ci], 'float32');
      flipFilter(be.typedArrayFromHeap(inputs.filter), fh, fw, ci, co, be.typedArrayFromHeap(flipped));
      try {
        return convFunc({ inputs: { x: inputs.dy, filter: flipped }, backend, attrs: { strides: 1, pad: same ? 'same' : 'valid', dilations: 1, dataFormat: 'NHWC' } }) as tfTypes.TensorInfo;
      } finally {
        be.disposeData(flipped.dataId);
      }
    },
  });
  return () => {
    tf.unregisterKernel(NAME, 'wasm');
    tf.registerKernel(plain);
  };
}
