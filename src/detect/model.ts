/**
 * Learned nucleus detector: a small U-Net (model-unet.ts, trained by `npm run train`) maps the
 * hematoxylin plane to a nucleus-interior probability; thresholding it and the same hole filling,
 * distance-transform watershed and area limits as the classical detector (NucleusRegions) give
 * labelled nuclei. `detectNucleiWithModel(h, mpp, model, p)` returns what `detectNuclei(h, mpp, p)`
 * returns, so `(h, mpp, p) => detectNucleiWithModel(h, mpp, model, p)` is a drop-in for it.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { AnalysisError } from '../errors/index.js';
import { resolveParams } from '../domain/params.js';
import type { FloatPlane } from '../image/raster.js';
import { reflect } from '../image/gaussian.js';
import { loadModelDir, type NucleusModelInfo } from './model-io.js';
import { resampleBilinear } from './model-resample.js';
import { nucleusSplitOptions, type NucleusDetection, type NucleusParams } from './nuclei.js';
import { NucleusRegions } from './nucleus-regions.js';

export interface NucleusModel {
  /** e.g. "nuclei-unet@<weights sha>" — stored with scores as the model id */
  id: string;
  info: NucleusModelInfo;
  backend: string;
  net: tfTypes.LayersModel;
  /** tfjs itself, loaded with the model: the classical path never pays its ~0.4 s import per thread */
  tf: typeof tfTypes;
}

/**
 * Largest core side of one inference chunk, px at model mpp: bounds tfjs memory on whole tiles.
 * A plane is cut into equal chunks (a 1120 px tile side into two of 560, not 512 + 512 + 96),
 * since each chunk also reads the receptive-field margin round it: 1.25 × the tile's pixels
 * through the network instead of 1.37 ×.
 */
const CHUNK = 576;

/** Chunk starts along a side of `len` px: as few chunks as CHUNK allows, equal to a multiple of `multiple`. */
function chunkStarts(len: number, multiple: number): number[] {
  const count = Math.ceil(len / CHUNK);
  const size = Math.ceil(len / count / multiple) * multiple;
  const out: number[] = [];
  for (let c = 0; c < len; c += size) out.push(c);
  return out;
}

/** Loads models/<name>/ (model.json + weights.bin) onto tfjs-node when installed, else wasm. */
export async function loadNucleusModel(dir: string, backend: 'auto' | 'wasm' = 'auto'): Promise<NucleusModel> {
  const { initModelBackend, tf } = await import('./model-backend.js');
  const used = await initModelBackend(backend);
  const { model, info } = await loadModelDir(tf, dir);
  return { id: info.id, info, backend: used, net: model, tf };
}

/**
 * Nucleus probability per pixel of `hem` (already at the model's mpp). Chunks start on
 * multiples of the pooling factor and overlap by the receptive field, with reflected borders,
 * so the map does not depend on how the plane is chunked.
 */
export function predictNucleusProbability(model: NucleusModel, hem: Float32Array, w: number, h: number): Float32Array {
  const { inputScale, marginPx, multiple } = model.info;
  const { tf } = model;
  const m = Math.ceil(marginPx / multiple) * multiple;
  const prob = new Float32Array(w * h);
  const ys = chunkStarts(h, multiple);
  const xs = chunkStarts(w, multiple);
  for (let iy = 0; iy < ys.length; iy++) {
    const cy = ys[iy];
    const ch = (iy + 1 < ys.length ? ys[iy + 1] : h) - cy;
    for (let ix = 0; ix < xs.length; ix++) {
      const cx = xs[ix];
      const cw = (ix + 1 < xs.length ? xs[ix + 1] : w) - cx;
      const rw = Math.ceil((cw + 2 * m) / multiple) * multiple;
      const rh = Math.ceil((ch + 2 * m) / multiple) * multiple;
      const buf = new Float32Array(rw * rh);
      for (let y = 0; y < rh; y++) {
        const sy = reflect(cy - m + y, h) * w;
        for (let x = 0, o = y * rw; x < rw; x++, o++) buf[o] = inputScale * hem[sy + reflect(cx - m + x, w)];
      }
      // the tensor, not its values, leaves tidy: tidy walks whatever it returns, and walking a
      // Float32Array element by element took as long as the convolutions
      const t = tf.tidy(() => model.net.predict(tf.tensor4d(buf, [1, rh, rw, 1])) as tfTypes.Tensor);
      const out = t.dataSync() as Float32Array;
      t.dispose();
      for (let y = 0; y < ch; y++) prob.set(out.subarray((y + m) * rw + m, (y + m) * rw + m + cw), (cy + y) * w + cx);
    }
  }
  return prob;
}

const regions = new NucleusRegions();

/** Drop-in for detectNuclei (same result shape; `p` supplies area limits and the shape split, as for the classical detector). */
export function detectNucleiWithModel(hematoxylin: FloatPlane, mpp: number, model: NucleusModel, p: NucleusParams = resolveParams({}).nucleus): NucleusDetection {
  if (!(mpp > 0)) throw new AnalysisError(`pixel size must be positive, got ${mpp} µm/px`);
  const { width: w, height: h, data } = hematoxylin;
  const n = w * h;
  const scale = mpp / model.info.mpp;
  let prob: Float32Array;
  if (Math.abs(scale - 1) < 0.01) prob = predictNucleusProbability(model, data, w, h);
  else {
    // resample to the training pixel size and the probability back
    const W = Math.max(1, Math.round(w * scale));
    const H = Math.max(1, Math.round(h * scale));
    const small = predictNucleusProbability(model, resampleBilinear(data, w, h, W, H), W, H);
    prob = resampleBilinear(small, W, H, w, h);
  }
  const mask = new Uint8Array(n);
  const pixels = new Int32Array(n);
  const thr = model.info.threshold;
  let count = 0;
  for (let q = 0; q < n; q++) {
    if (prob[q] >= thr) {
      mask[q] = 1;
      pixels[count++] = q;
    }
  }
  const labels = new Int32Array(n);
  const split = nucleusSplitOptions(p, mpp);
  const nuclei = regions.run(mask, pixels, count, data, w, h, labels, split, p.minAreaUm2 / (mpp * mpp), p.maxAreaUm2 / (mpp * mpp));
  return { labels, nuclei, boxes: regions.boxes.slice(0, 4 * nuclei.length) };
}
