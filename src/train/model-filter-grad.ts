import type * as tfTypes from '@tensorflow/tfjs';

/** The geometry of one 2-D convolution, NHWC, as tfjs' computeConv2DInfo reports it. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * Gradient of a convolution with respect to its filter (NHWC, filter HWIO):
 * dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·s − pad + kh·d, ow·s − pad + kw·d, ci] · dy[b,oh,ow,co].
 * Accumulates in float64 (`acc`, filter-sized) so the sum over ~10⁵ terms is order-stable and
 * the result is the same on every run.
 */
export function conv2dFilterGrad(x: Float32Array, dy: Float32Array, g: ConvGeometry, out: Float32Array, acc = new Float64Array(out.length)): void {
  const { batch, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight: fh, filterWidth: fw } = g;
  acc.fill(0, 0, fh * fw * ci * co);
  for (let b = 0; b < batch; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const dyRow = ((b * outHeight + oh) * outWidth) * co;
      for (let kh = 0; kh < fh; kh++) {
        const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
        if (ih < 0 || ih >= inHeight) continue;
        const xRow = (b * inHeight + ih) * inWidth * ci;
        for (let kw = 0; kw < fw; kw++) {
          const wBase = (kh * fw + kw) * ci * co;
          for (let ow = 0; ow < outWidth; ow++) {
            const iw = ow * g.strideWidth - g.padLeft + kw * g.dilationWidth;
            if (iw < 0 || iw >= inWidth) continue;
            const xo = xRow + iw * ci;
            const dyo = dyRow + ow * co;
            for (let i = 0; i < ci; i++) {
              const xv = x[xo + i];
              if (xv === 0) continue; // ReLU outputs are half zeros
              const wo = wBase + i * co;
              for (let o = 0; o < co; o++) acc[wo + o] += xv * dy[dyo + o];
            }
          }
        }
      }
    }
  }
  for (let k = 0; k < out.length; k++) out[k] = acc[k];
}

interface WasmBackendLike {
  typedArrayFromHeap(t: tfTypes.TensorInfo): Float32Array;
  makeOutput(shape: number[], dtype: 'float32'): tfTypes.TensorInfo;
}

/**
 * The wasm backend has no Conv2DBackpropFilter kernel, so it cannot train a convolution; the
 * pure-JS cpu backend can, but its filter gradient took 11 s for one 8→8 3×3 layer on 8×64×64
 * (input gradient 0.35 s) on the shared 2-core machine.
 * This registers the loop above as that kernel for 'wasm' (forward passes and the input
 * gradient stay in XNNPACK), which makes training on 2 cores practical. Training only.
 */
export function registerWasmFilterGrad(tf: typeof tfTypes): void {
  const name = 'Conv2DBackpropFilter';
  if (tf.getKernel(name, 'wasm')) return;
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, dy } = inputs as { x: tfTypes.TensorInfo; dy: tfTypes.TensorInfo };
      const a = attrs as unknown as { strides: [number, number] | number; pad: 'same' | 'valid' | number; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil'; filterShape: [number, number, number, number] };
      if (a.dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm: only NHWC is supported');
      const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
      const be = backend as unknown as WasmBackendLike;
      const out = be.makeOutput(a.filterShape, 'float32');
      conv2dFilterGrad(be.typedArrayFromHeap(x), be.typedArrayFromHeap(dy), {
        batch: info.batchSize,
        inHeight: info.inHeight,
        inWidth: info.inWidth,
        inChannels: info.inChannels,
        outHeight: info.outHeight,
        outWidth: info.outWidth,
        outChannels: info.outChannels,
        filterHeight: info.filterHeight,
        filterWidth: info.filterWidth,
        strideHeight: info.strideHeight,
        strideWidth: info.strideWidth,
        dilationHeight: info.dilationHeight,
        dilationWidth: info.dilationWidth,
        padTop: info.padInfo.top,
        padLeft: info.padInfo.left,
      }, be.typedArrayFromHeap(out));
      return out;
    },
  });
}
