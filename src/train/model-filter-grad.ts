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
 * Each weight sums its terms in float64 in (b, oh, ow) order, so the result is the same on every
 * run and bit for bit the plain loop's (test/train/model-filter-grad). Eight output channels
 * are summed at once in locals: a filter-sized accumulator array read and written per term took
 * 2.5× as long (0.33 s of a 0.57 s training step, batch 8 of 64²).
 */
export function conv2dFilterGrad(x: Float32Array, dy: Float32Array, g: ConvGeometry, out: Float32Array): void {
  const { batch, inHeight, inWidth, inChannels: ci, outHeight, outWidth, outChannels: co, filterHeight: fh, filterWidth: fw } = g;
  const sw = g.strideWidth;
  const xStep = sw * ci;
  // per filter row: the (b, oh) rows whose input row lies inside the image, as their x and dy row offsets
  const xRows = new Int32Array(batch * outHeight);
  const dRows = new Int32Array(batch * outHeight);
  for (let kh = 0; kh < fh; kh++) {
    let rows = 0;
    for (let b = 0; b < batch; b++) {
      for (let oh = 0; oh < outHeight; oh++) {
        const ih = oh * g.strideHeight - g.padTop + kh * g.dilationHeight;
        if (ih < 0 || ih >= inHeight) continue;
        xRows[rows] = (b * inHeight + ih) * inWidth * ci;
        dRows[rows++] = (b * outHeight + oh) * outWidth * co;
      }
    }
    for (let kw = 0; kw < fw; kw++) {
      // output columns whose input column lies inside the image
      const off = kw * g.dilationWidth - g.padLeft;
      const owLo = Math.max(0, Math.ceil(-off / sw));
      const owHi = Math.min(outWidth - 1, Math.floor((inWidth - 1 - off) / sw));
      for (let i = 0; i < ci; i++) {
        const wo = ((kh * fw + kw) * ci + i) * co;
        const x0 = (owLo * sw + off) * ci + i;
        let o = 0;
        for (; o + 8 <= co; o += 8) {
          let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
          for (let r = 0; r < rows; r++) {
            let xo = xRows[r] + x0;
            let d = dRows[r] + owLo * co + o;
            for (let ow = owLo; ow <= owHi; ow++, xo += xStep, d += co) {
              const xv = x[xo];
              if (xv === 0) continue; // ReLU outputs are half zeros
              s0 += xv * dy[d];
              s1 += xv * dy[d + 1];
              s2 += xv * dy[d + 2];
              s3 += xv * dy[d + 3];
              s4 += xv * dy[d + 4];
              s5 += xv * dy[d + 5];
              s6 += xv * dy[d + 6];
              s7 += xv * dy[d + 7];
            }
          }
          out[wo + o] = s0;
          out[wo + o + 1] = s1;
          out[wo + o + 2] = s2;
          out[wo + o + 3] = s3;
          out[wo + o + 4] = s4;
          out[wo + o + 5] = s5;
          out[wo + o + 6] = s6;
          out[wo + o + 7] = s7;
        }
        for (; o < co; o++) {
          let s = 0;
          for (let r = 0; r < rows; r++) {
            let xo = xRows[r] + x0;
            let d = dRows[r] + owLo * co + o;
            for (let ow = owLo; ow <= owHi; ow++, xo += xStep, d += co) {
              const xv = x[xo];
              if (xv !== 0) s += xv * dy[d];
            }
          }
          out[wo + o] = s;
        }
      }
    }
  }
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
